import type {JSONPath} from 'jsonc-parser'

import {positionOf} from './jsonc.js'
import {configErrors} from './messages.js'
import {fileNamesOf} from './migrate.js'
import {CONFIG_VERSION, type ConfigKey, type ConfigValue, isConfigKey, type OccConfig} from './schema.js'
import {closestKey} from './suggest.js'
import {validateConfigSchema} from './validator.js'

/** The file a config came from, to name it and point into it in errors. */
export interface ConfigOrigin {
  file: string
  text: string
}

function pathOf(instancePath: string): JSONPath {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

/** Locates `path` in the file, whether the key is written under its name or an older one. */
function locate(origin: ConfigOrigin, [key, ...rest]: JSONPath, at: 'name' | 'value' = 'value'): ReturnType<typeof positionOf> {
  for (const name of isConfigKey(String(key)) ? fileNamesOf(key as ConfigKey) : [String(key)]) {
    const position = positionOf(origin.text, [name, ...rest], at)
    if (position) return position
  }

  return undefined
}

/** Validates migrated file data and returns it with every default filled; the input is not changed. */
export function validateConfigData(data: Readonly<Record<string, unknown>>, origin: ConfigOrigin): OccConfig {
  const unknown = Object.keys(data).find((name) => !isConfigKey(name))
  if (unknown !== undefined) throw configErrors.unknownKey(origin.file, unknown, closestKey(unknown), locate(origin, [unknown], 'name'))

  const config = structuredClone(data)
  if (validateConfigSchema(config)) return config as OccConfig

  const path = pathOf(validateConfigSchema.errors?.[0]?.instancePath ?? '')
  const key = String(path[0]) as ConfigKey
  const item = path.length > 1 ? `${key}[${path[1]}]` : key
  const value = path.slice(1).reduce<unknown>((parent, part) => (parent as Record<string | number, unknown>)[part], data[key])
  throw configErrors.invalidValue(origin.file, key, item, value, locate(origin, path))
}

/** True when `value` is allowed for `key`. */
export function isValidValue(key: ConfigKey, value: ConfigValue): boolean {
  return validateConfigSchema({version: CONFIG_VERSION, [key]: value})
}

/** Every key at its default. */
export function defaultConfig(): OccConfig {
  const config = {version: CONFIG_VERSION}
  validateConfigSchema(config)
  return config as OccConfig
}
