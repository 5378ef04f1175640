import {Args} from '@oclif/core'

import {ConfigCommand} from '../../config-command.js'
import {notices} from '../../lib/config/messages.js'
import {unsetConfigValue} from '../../lib/config/store.js'

export default class ConfigUnset extends ConfigCommand {
  static override summary = 'Remove a key from config.json so its default applies again.'
  static override description =
    'A key the file has but occ does not know (a typo) can be removed too, by its exact name.'
  static override examples = ['<%= config.bin %> <%= command.id %> image_source']

  static override args = {
    key: Args.string({
      description: 'Config key or alias, or an unknown key present in the file.',
      required: true,
      ignoreStdin: true,
    }),
  }

  public async run(): Promise<{key: string; removed: boolean; file: string}> {
    const {args} = await this.parse(ConfigUnset)
    const {key, removed} = await unsetConfigValue(this.configFile, args.key)
    this.notice(removed ? notices.unset(key, this.configFile) : notices.notSet(key, this.configFile))
    return {key, removed, file: this.configFile}
  }
}
