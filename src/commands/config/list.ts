import {isDeepStrictEqual} from 'node:util'

import {ConfigCommand} from '../../config-command.js'
import {valueText, visibleUnknownValue, visibleValue} from '../../lib/config/shown-value.js'
import {getLoadedConfig} from '../../lib/config/runtime.js'
import {allKeys, pluginKey} from '../../lib/config/known-keys.js'
import type {ConfigSource} from '../../lib/config/types.js'

interface ListEntry {
  key: string
  value: unknown
  /** `unknown`: a key of the file that neither occ nor an installed plugin knows; it is ignored. */
  source: ConfigSource | 'unknown'
  default: boolean
  /** The plugin that contributes the key; absent for occ's own keys. */
  plugin?: string
}

export default class ConfigList extends ConfigCommand {
  static override summary = 'List every config key with its effective value and where it comes from.'
  static override description =
    "SOURCE is env (an OCC_<KEY> variable), file (config.json) or default; keys of installed plugins are listed after occ's own, and a key of the file that nothing installed knows (a typo, or a removed plugin's) shows as unknown (commands that act on the config refuse to run until it is removed). Secrets show as ******** under any name: their aliases and near-typos too."

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<ListEntry[]> {
    await this.parse(ConfigList)
    const {config, defaults, sources, unknown} = getLoadedConfig()
    const keys = allKeys()
    const known: ListEntry[] = keys.map((key) => {
      const plugin = pluginKey(key)?.plugin
      return {key, value: visibleValue(key, config[key]), source: sources[key], default: isDeepStrictEqual(config[key], defaults[key]), ...(plugin ? {plugin} : {})}
    })
    const ignored: ListEntry[] = Object.entries(unknown).map(([key, value]) => ({key, value: visibleUnknownValue(key, value), source: 'unknown', default: false}))
    this.noticeConfigProblems()

    const rows = [
      ...keys.map((key, index) => [key, known[index].source, known[index].default ? 'yes' : 'no', valueText(key, config[key])]),
      ...ignored.map((entry) => [entry.key, entry.source, 'no', JSON.stringify(entry.value)]),
    ]
    this.log(this.table(['KEY', 'SOURCE', 'DEFAULT', 'VALUE'], rows))
    return [...known, ...ignored]
  }
}
