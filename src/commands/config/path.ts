import {existsSync} from 'node:fs'

import {ConfigCommand} from '../../config-command.js'

export default class ConfigPath extends ConfigCommand {
  static override summary = 'Print the path of config.json.'
  static override description = 'The file may not exist yet: occ uses the defaults until a key is set.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '$EDITOR "$(<%= config.bin %> <%= command.id %>)"']

  public async run(): Promise<{path: string; exists: boolean}> {
    await this.parse(ConfigPath)
    this.log(this.configFile)
    return {path: this.configFile, exists: existsSync(this.configFile)}
  }
}
