import {type ConfigValue, isSecret, type KeyName} from './schema.js'

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
