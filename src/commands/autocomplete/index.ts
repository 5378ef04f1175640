import {Args, Command, Flags} from '@oclif/core'

import {pluginCommand} from '../../autocomplete.js'
import {powerShellInstructions} from '../../lib/completion/powershell.js'

export default class Autocomplete extends Command {
  static override summary = 'Display autocomplete installation instructions.'
  static override description =
    "Builds the completion cache and prints how to load it in SHELL (PowerShell completion is occ's own: the plugin has none for ':' separators). bash needs the bash-completion package (Debian/Ubuntu: apt install bash-completion; macOS: brew install bash-completion@2)."

  static override examples = [
    '<%= config.bin %> <%= command.id %> bash',
    '<%= config.bin %> <%= command.id %> zsh',
    '<%= config.bin %> <%= command.id %> powershell',
    '<%= config.bin %> <%= command.id %> --refresh-cache',
  ]

  static override args = {
    shell: Args.string({description: 'Shell type (default: the current shell).', options: ['zsh', 'bash', 'powershell'], required: false}),
  }

  static override flags = {
    'refresh-cache': Flags.boolean({char: 'r', description: 'Refresh cache (ignores displaying instructions)'}),
  }

  public async run(): Promise<void> {
    const {args, flags} = await this.parse(Autocomplete)
    const shell = args.shell ?? this.config.shell
    if (shell !== 'powershell' && !flags['refresh-cache']) {
      // bash and zsh: the plugin's own command, instructions and all.
      const plugin = await pluginCommand(this.config, 'autocomplete')
      await plugin.run(this.argv, this.config)
      return
    }

    await this.config.runCommand('autocomplete:create')
    if (!flags['refresh-cache']) this.log(powerShellInstructions(this.config.bin, `${this.config.bin} autocomplete${this.config.topicSeparator}script powershell`))
  }
}
