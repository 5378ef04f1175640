import {usageErrors} from './messages.js'
import {keySchema} from './known-keys.js'
import {type ConfigValue, type KeyName} from './schema.js'
import {isValidValue} from './validate.js'

const BOOLEANS: Readonly<Record<string, boolean>> = {true: true, yes: true, 1: true, false: false, no: false, 0: false}

function parseList(text: string): string[] | undefined {
  if (!text.startsWith('[')) {
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }

  try {
    const list: unknown = JSON.parse(text)
    return Array.isArray(list) && list.every((item) => typeof item === 'string') ? list : undefined
  } catch {
    return undefined
  }
}

/** Converts text to the key's type, or undefined when it cannot be one. */
function convert(key: KeyName, text: string): ConfigValue | undefined {
  const schema = keySchema(key)
  const trimmed = text.trim()
  switch (schema.type) {
    case 'integer': {
      const number = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined
      // Beyond 2^53 a number is not exact and would be written as 1e+23.
      return number !== undefined && Number.isSafeInteger(number) ? number : undefined
    }

    case 'boolean': {
      return BOOLEANS[trimmed.toLowerCase()]
    }

    case 'array': {
      return parseList(trimmed)
    }

    case 'string': {
      return schema.enum ? trimmed.toLowerCase() : trimmed
    }

    default: {
      return text
    }
  }
}

/**
 * Parses a value typed on the command line or in an OCC_* variable by the key's type:
 * booleans true/false/yes/no/1/0, integers in range, enums (any case), lists as a JSON
 * array or comma-separated. Throws a usage error that names the allowed values.
 */
export function parseValue(key: KeyName, text: string): ConfigValue {
  const value = convert(key, text)
  if (value === undefined || !isValidValue(key, value)) throw usageErrors.invalidValue(key, text)
  return value
}
