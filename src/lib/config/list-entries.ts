/** The rows of `occ config list`: every known key, then the file's unknown keys. */
import {isDeepStrictEqual} from 'node:util'

import {allKeys, pluginKey} from './known-keys.js'
import type {LoadedConfig} from './load.js'
import {valueText, visibleUnknownValue, visibleValue} from './shown-value.js'
import type {ConfigValue, KeyName} from './schema.js'
import type {ConfigSource} from './types.js'

export interface ListEntry {
  key: string
  value: unknown
  /** `unknown`: a key of the file that neither occ nor an installed plugin knows; it is ignored. */
  source: ConfigSource | 'unknown'
  default: boolean
  /** The plugin that contributes the key; absent for occ's own keys. */
  plugin?: string
}

export function listEntries({config, defaults, sources, unknown}: LoadedConfig): ListEntry[] {
  const known = allKeys().map((key): ListEntry => {
    const plugin = pluginKey(key)?.plugin
    return {
      key,
      value: visibleValue(key, config[key]),
      source: sources[key],
      default: isDeepStrictEqual(config[key], defaults[key]),
      ...(plugin ? {plugin} : {}),
    }
  })
  const ignored = Object.entries(unknown).map(([key, value]): ListEntry => ({
    key,
    value: visibleUnknownValue(key, value),
    source: 'unknown',
    default: false,
  }))
  return [...known, ...ignored]
}

/** The entry as a table row: KEY, SOURCE, DEFAULT, VALUE (plain text; an unknown key's value as JSON). */
export function listRow({key, value, source, default: isDefault}: ListEntry): string[] {
  const text = source === 'unknown' ? JSON.stringify(value) : valueText(key as KeyName, value as ConfigValue)
  return [key, source, isDefault ? 'yes' : 'no', text]
}
