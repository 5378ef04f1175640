import {ConfigCommand} from '../../config-command.js'
import {type ListEntry, listEntries, listRow} from '../../lib/config/list-entries.js'
import {getLoadedConfig} from '../../lib/config/runtime.js'

export default class ConfigList extends ConfigCommand {
  static override summary = 'List every config key with its effective value and where it comes from.'
  static override description =
    'SOURCE is env (an OCC_<KEY> variable), file (config.json) or default; ' +
    "keys of installed plugins are listed after occ's own, " +
    "and a key of the file that nothing installed knows (a typo, or a removed plugin's) shows as unknown " +
    '(commands that act on the config refuse to run until it is removed). ' +
    'Secrets show as ******** under any name: their aliases and near-typos too.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<ListEntry[]> {
    await this.parse(ConfigList)
    const entries = listEntries(getLoadedConfig())
    this.noticeConfigProblems()
    this.log(this.table(['KEY', 'SOURCE', 'DEFAULT', 'VALUE'], entries.map(listRow)))
    return entries
  }
}
