import type {ConfigError} from './errors.js'

import {ConfigUsageError} from './errors.js'
import {configErrors} from './messages.js'
import {parseValue} from './parse-value.js'
import {aliasesOf, allKeys} from './known-keys.js'
import {type ConfigValue, isManaged, type KeyName} from './schema.js'

/** The variable that overrides a key for one run: OCC_ and the key in upper case. */
export function envVariable(key: KeyName): string {
  return `OCC_${key.toUpperCase()}`
}

/**
 * Every variable that overrides a key: OCC_ and its name, or one of its aliases, in upper case
 * (OCC_PORT is OCC_OPENCODE_WEB_PORT).
 */
export function envVariables(key: KeyName): string[] {
  return [key, ...aliasesOf(key)].map((name) => `OCC_${name.toUpperCase()}`)
}

export interface EnvOverrides {
  values: Map<KeyName, ConfigValue>
  /**
   * Variables that name a key but hold a value it does not allow (or disagree with each other):
   * ignored, and reported.
   */
  invalid: ConfigError[]
}

/**
 * Values set through OCC_<KEY> variables (a key's name or alias). Only key names count: oclif's
 * own OCC_* variables (OCC_CONFIG_DIR, OCC_DEBUG, ...) are not keys. An empty variable is ignored.
 */
export function envOverrides(env: NodeJS.ProcessEnv): EnvOverrides {
  const values = new Map<KeyName, ConfigValue>()
  const invalid: ConfigError[] = []
  for (const key of allKeys()) {
    if (isManaged(key)) continue
    const set = envVariables(key).filter((variable) => env[variable] !== undefined && env[variable] !== '')
    if (set.length === 0) continue
    const [variable, ...others] = set
    const text = env[variable] ?? ''
    const disagreeing = others.find((other) => env[other] !== text)
    if (disagreeing) {
      invalid.push(configErrors.envConflict(variable, disagreeing, key))
      continue
    }

    try {
      values.set(key, parseValue(key, text))
    } catch (error) {
      if (!(error instanceof ConfigUsageError)) throw error
      invalid.push(configErrors.invalidEnv(variable, key, text))
    }
  }

  return {invalid, values}
}
