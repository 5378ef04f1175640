import {Flags} from '@oclif/core'
import {existsSync} from 'node:fs'

import {ConfigCommand} from '../../config-command.js'
import {notices, prompts, usageErrors} from '../../lib/config/messages.js'
import {backupFile, resetConfig} from '../../lib/config/store.js'

export default class ConfigReset extends ConfigCommand {
  static override summary = 'Put config.json back to defaults.'
  static override description =
    'Asks first on a terminal; --force skips the question (and is required without a terminal). ' +
    'The old file is kept as config.json.bak (or .bak.1, .bak.2, …: no backup is ever overwritten). ' +
    'Works on a file too broken to parse.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --force']

  static override flags = {
    force: Flags.boolean({char: 'f', description: 'Reset without asking.'}),
  }

  public async run(): Promise<{file: string; reset: boolean; backup: string | null}> {
    const {flags} = await this.parse(ConfigReset)
    const file = this.configFile
    if (!existsSync(file)) {
      this.notice(notices.resetNoFile(file))
      return {file, reset: false, backup: null}
    }

    if (!flags.force) {
      if (!this.interactive) throw usageErrors.resetNeedsConfirmation()
      if (!(await this.confirm(prompts.confirmReset(file, backupFile(file))))) {
        this.notice(notices.resetCancelled())
        return {file, reset: false, backup: null}
      }
    }

    const {backup = null} = await resetConfig(file)
    if (backup) this.notice(notices.reset(file, backup))
    return {file, reset: true, backup}
  }
}
