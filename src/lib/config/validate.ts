import type {JSONPath} from 'jsonc-parser'

import {positionOf} from './jsonc.js'
import {configErrors} from './messages.js'
import {fileNamesOf} from './migrate.js'
import {allKeys, keySchema, pluginKey} from './known-keys.js'
import {
  CONFIG_VERSION,
  type ConfigValue,
  type EffectiveConfig,
  isConfigKey,
  type KeyName,
  type OccConfig,
} from './schema.js'
import {validateConfigSchema} from './validator.js'

/** The file a config came from, to name it and point into it in errors. */
export interface ConfigOrigin {
  file: string
  text: string
}

/** A validated config and the file's keys no installed part of occ knows (a typo, or a removed plugin's). */
export interface ValidatedConfig {
  config: EffectiveConfig
  /** Unknown key → its value in the file; ignored, and reported by config:list and as a notice. */
  unknown: Record<string, unknown>
}

function pathOf(instancePath: string): JSONPath {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

/** Locates `path` in the file, whether the key is written under its name or an older one. */
function locate(origin: ConfigOrigin, [key, ...rest]: JSONPath): ReturnType<typeof positionOf> {
  for (const name of isConfigKey(String(key)) ? fileNamesOf(String(key) as KeyName) : [String(key)]) {
    const position = positionOf(origin.text, [name, ...rest])
    if (position) return position
  }

  return undefined
}

function valueAt(data: Readonly<Record<string, unknown>>, path: JSONPath): unknown {
  return path.reduce<unknown>((parent, part) => (parent as Record<string | number, unknown>)[part], data)
}

/**
 * Validates migrated file data and returns it with every default filled; the input is not
 * changed. occ's keys go through the precompiled validator, plugin keys through their own;
 * keys nobody knows are set aside rather than refused, so that a removed plugin's leftovers
 * never make occ unusable.
 */
export function validateConfigData(data: Readonly<Record<string, unknown>>, origin: ConfigOrigin): ValidatedConfig {
  const core: Record<string, unknown> = {}
  const contributed: Record<string, ConfigValue> = {}
  const unknown: Array<[string, unknown]> = []
  for (const [name, value] of Object.entries(data)) {
    const plugin = pluginKey(name)
    if (isConfigKey(name)) core[name] = structuredClone(value)
    else if (!plugin) unknown.push([name, value])
    else if (plugin.validate(value)) contributed[name] = structuredClone(value) as ConfigValue
    else throw configErrors.invalidValue(origin.file, plugin.name, plugin.name, value, locate(origin, [name]))
  }

  if (!validateConfigSchema(core)) {
    const path = pathOf(validateConfigSchema.errors?.[0]?.instancePath ?? '')
    const key = String(path[0]) as KeyName
    const item = path.length > 1 ? `${key}[${path[1]}]` : key
    throw configErrors.invalidValue(origin.file, key, item, valueAt(data, path), locate(origin, path))
  }

  // fromEntries defines own properties: an assignment would drop a "__proto__" key into the prototype.
  return {config: {...pluginDefaults(), ...(core as OccConfig), ...contributed}, unknown: Object.fromEntries(unknown)}
}

function pluginDefaults(): Record<string, ConfigValue> {
  return Object.fromEntries(
    allKeys()
      .filter((key) => !isConfigKey(key))
      .map((key) => [key, structuredClone(keySchema(key).default) as ConfigValue]),
  )
}

/** True when `value` is allowed for `key`. */
export function isValidValue(key: KeyName, value: ConfigValue): boolean {
  const plugin = pluginKey(key)
  return plugin ? plugin.validate(value) : validateConfigSchema({version: CONFIG_VERSION, [key]: value})
}

/** Every key at its default. */
export function defaultConfig(): EffectiveConfig {
  const config = {version: CONFIG_VERSION}
  validateConfigSchema(config)
  return {...pluginDefaults(), ...(config as OccConfig)}
}
