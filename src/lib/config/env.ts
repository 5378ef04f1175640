import {ConfigUsageError} from './errors.js'
import {configErrors} from './messages.js'
import {parseValue} from './parse-value.js'
import {allKeys, type ConfigValue, isManaged, type KeyName} from './schema.js'

/** The variable that overrides a key for one run: OCC_ and the key in upper case. */
export function envVariable(key: KeyName): string {
  return `OCC_${key.toUpperCase()}`
}

/**
 * Values set through OCC_<KEY> variables. Only exact key names count: oclif's own OCC_*
 * variables (OCC_CONFIG_DIR, OCC_DEBUG, ...) are not keys. An empty variable is ignored.
 */
export function envOverrides(env: NodeJS.ProcessEnv): Map<KeyName, ConfigValue> {
  const overrides = new Map<KeyName, ConfigValue>()
  for (const key of allKeys()) {
    const text = env[envVariable(key)]
    if (isManaged(key) || text === undefined || text === '') continue
    try {
      overrides.set(key, parseValue(key, text))
    } catch (error) {
      if (error instanceof ConfigUsageError) throw configErrors.invalidEnv(envVariable(key), key, text)
      throw error
    }
  }

  return overrides
}
