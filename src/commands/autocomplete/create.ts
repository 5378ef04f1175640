import {Command} from '@oclif/core'

import {pluginCommand, writePowerShellScript} from '../../autocomplete.js'

export default class AutocompleteCreate extends Command {
  static override hidden = true
  static override summary = 'Write the bash, zsh and PowerShell completion files into the cache.'
  static override description =
    "Runs @oclif/plugin-autocomplete's own autocomplete:create (bash, zsh), then writes the PowerShell script it does not write for ':' topic separators. Run after plugins:install/uninstall by the plugin's hooks."

  public async run(): Promise<void> {
    await this.parse(AutocompleteCreate)
    const create = await pluginCommand(this.config, 'autocomplete:create')
    await create.run([], this.config)
    await writePowerShellScript(this.config)
  }
}
