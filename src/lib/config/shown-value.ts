/** A config value as output and messages show it: secrets masked, values quoted as the user would type them. */
import {isSecret, resolveKey} from './known-keys.js'
import {type ConfigValue, type KeyName} from './schema.js'
import {typoOf} from './suggest.js'

const MASK = '********'

/** The value as output may show it: a secret that is set becomes the mask. */
export function visibleValue(key: KeyName, value: ConfigValue): ConfigValue {
  return isSecret(key) && value !== null ? MASK : value
}

/** The value as one line of plain text: raw strings, lists as JSON, null as nothing. */
export function valueText(key: KeyName, value: ConfigValue): string {
  const visible = visibleValue(key, value)
  if (visible === null) return ''
  return Array.isArray(visible) ? JSON.stringify(visible) : String(visible)
}

/** The value quoted for a message. */
export function quoteValue(key: KeyName, value: unknown): string {
  return isSecret(key) && value !== null ? MASK : JSON.stringify(value)
}

// Names that say "secret" whatever key they were meant for.
const SECRET_WORDS = /passw|secret|token/i

/**
 * An unknown key's value as output may show it:
 * masked when the name is a secret key's alias, looks like a typo of one, or says it is secret.
 */
export function visibleUnknownValue(name: string, value: unknown): unknown {
  const key = resolveKey(name) ?? typoOf(name)
  const secret = SECRET_WORDS.test(name) || (key !== undefined && isSecret(key))
  return secret && value !== null ? MASK : value
}
