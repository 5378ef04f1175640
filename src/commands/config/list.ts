import {isDeepStrictEqual} from 'node:util'

import {ConfigCommand} from '../../config-command.js'
import {valueText, visibleValue} from '../../lib/config/format.js'
import {loadConfig} from '../../lib/config/load.js'
import {CONFIG_KEYS} from '../../lib/config/schema.js'
import type {ConfigKey, ConfigSource, ConfigValue} from '../../lib/config/types.js'

interface ListEntry {
  key: ConfigKey
  value: ConfigValue
  source: ConfigSource
  default: boolean
}

export default class ConfigList extends ConfigCommand {
  static override summary = 'List every config key with its effective value and where it comes from.'
  static override description = 'SOURCE is env (an OCC_<KEY> variable), file (config.json) or default. Secrets show as ********.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<ListEntry[]> {
    await this.parse(ConfigList)
    const {config, defaults, sources} = loadConfig()
    const entries = CONFIG_KEYS.map((key) => ({
      key,
      value: visibleValue(key, config[key]),
      source: sources[key],
      default: isDeepStrictEqual(config[key], defaults[key]),
    }))
    const rows = entries.map((entry) => [entry.key, entry.source, entry.default ? 'yes' : 'no', valueText(entry.key, config[entry.key])])
    this.log(this.table(['KEY', 'SOURCE', 'DEFAULT', 'VALUE'], rows))
    return entries
  }
}
