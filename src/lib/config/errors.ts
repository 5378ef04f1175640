import {OccError} from '../errors.js'

interface Detail {
  suggestion: string
  details?: unknown
  cause?: unknown
}

/** The config file (or an OCC_* override) cannot be read, parsed or validated. Exit code 3. */
export class ConfigError extends OccError {
  constructor(code: string, message: string, options: Detail) {
    super('config', code, message, options)
  }
}

/** A bad key or value on the command line of a config:* command. Exit code 2. */
export class ConfigUsageError extends OccError {
  constructor(code: string, message: string, options: Detail) {
    super('usage', code, message, options)
  }
}
