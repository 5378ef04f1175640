/**
 * The keys this process knows: occ's own (the static schema.ts) and the keys the installed
 * plugins contribute, which loadRuntimeConfig (runtime.ts, from the init hook) installs once.
 * Every question about a key that may be a plugin's (its schema, aliases, secret-ness, what
 * it allows) is answered here, so that schema.ts stays static data.
 */
import {
  CONFIG_KEYS,
  coreKeySchema,
  isConfigKey,
  type KeyName,
  type KeySchema,
  LARGEST_INTEGER,
  type PluginKey,
  resolveCoreKey,
} from './schema.js'

// The installed plugins' keys of this process; empty until loadRuntimeConfig installs them.
const pluginKeys = new Map<string, PluginKey>()

/**
 * Makes `keys` known to every function of this module (and so to config:* and readConfig) for this process;
 * loadRuntimeConfig calls it.
 */
export function installPluginKeys(keys: readonly PluginKey[]): void {
  pluginKeys.clear()
  for (const key of keys) pluginKeys.set(key.name, key)
}

/** The installed plugin key of that exact name, or undefined. */
export function pluginKey(name: string): PluginKey | undefined {
  return pluginKeys.get(name)
}

/** Every key: occ's in schema order, then the plugins' in the order they were installed. */
export function allKeys(): KeyName[] {
  return [...CONFIG_KEYS, ...[...pluginKeys.values()].map((key) => key.name)]
}

export function keySchema(key: KeyName): KeySchema {
  if (isConfigKey(key)) return coreKeySchema(key)
  const contributed = pluginKeys.get(key)
  if (!contributed) throw new Error(`${key} is not a known config key`)
  return contributed.schema
}

export function isSecret(key: KeyName): boolean {
  return keySchema(key)['x-secret'] === true
}

export function aliasesOf(key: KeyName): readonly string[] {
  return keySchema(key)['x-aliases'] ?? []
}

/** The canonical key for a name or alias (case-insensitive), occ's own first, or undefined. */
export function resolveKey(name: string): KeyName | undefined {
  return resolveCoreKey(name) ?? pluginKeys.get(name.trim().toLowerCase())?.name
}

/** The JSON type of a key as users read it: integer, boolean, string, string|null, string[]. */
export function typeName(key: KeyName): string {
  const schema = keySchema(key)
  if (schema.type === 'array') return 'string[]'
  return typeof schema.type === 'string' ? schema.type : schema.type.join('|')
}

/** What a key accepts, in words: used by error messages and the README. */
export function describeAllowed(key: KeyName): string {
  const schema = keySchema(key)
  switch (schema.type) {
    case 'integer': {
      const {minimum} = schema
      const maximum = schema.maximum === LARGEST_INTEGER ? undefined : schema.maximum
      if (minimum !== undefined && maximum === minimum) return `the integer ${minimum}`
      if (minimum !== undefined && maximum !== undefined) return `an integer from ${minimum} to ${maximum}`
      if (minimum !== undefined) return `an integer of at least ${minimum}`
      return maximum === undefined ? 'an integer' : `an integer of at most ${maximum}`
    }

    case 'boolean': {
      return 'true or false'
    }

    case 'string': {
      if (schema.enum) return `one of: ${schema.enum.join(', ')}`
      return schema['x-hint'] ?? 'any text'
    }

    case 'array': {
      const list = `a list of ${schema['x-hint'] ?? 'strings'}`
      if (!schema.minItems) return list
      return `${list}, at least ${schema.minItems}${schema.uniqueItems ? ', no duplicates' : ''}`
    }

    default: {
      return 'any text, or null'
    }
  }
}
