import {OccError} from '../errors.js'

/** Socket-level failures that mean "no engine there", with what each one means to a user. */
const UNREACHABLE_CODES = {
  EACCES: 'permission denied',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the engine',
  EHOSTUNREACH: 'host unreachable',
  ENOENT: 'no such socket',
  ENOTFOUND: 'unknown host',
  EPERM: 'permission denied',
  EPIPE: 'connection closed by the engine',
  ETIMEDOUT: 'connection timed out',
} as const

type UnreachableCode = keyof typeof UNREACHABLE_CODES

function isUnreachableCode(code: unknown): code is UnreachableCode {
  return typeof code === 'string' && Object.hasOwn(UNREACHABLE_CODES, code)
}

export class EngineUnreachableError extends OccError {
  readonly endpoint: string

  constructor(endpoint: string, code: UnreachableCode, cause?: unknown) {
    const permission = code === 'EACCES' || code === 'EPERM'
    super('engine', 'engine_unreachable', `Cannot reach the Docker engine at ${endpoint}: ${UNREACHABLE_CODES[code]}.`, {
      cause,
      details: {endpoint, reason: code},
      suggestion: permission
        ? 'Add your user to the "docker" group (then log in again), or set DOCKER_HOST to an engine you may use.'
        : 'Start Docker (for example "sudo systemctl start docker"), or set DOCKER_HOST to a running engine.',
    })
    this.endpoint = endpoint
  }
}

export class EngineEndpointError extends OccError {
  constructor(value: string, problem: string) {
    super('engine', 'engine_endpoint_invalid', `DOCKER_HOST="${value}" cannot be used: ${problem}.`, {
      suggestion: 'Set DOCKER_HOST to unix:///path/to/docker.sock or tcp://HOST:PORT, or unset it to use the default socket.',
    })
  }
}

/** The engine answered, but with an error it reports for the request. */
export class EngineRequestError extends OccError {
  readonly statusCode: number
  readonly engineMessage: string

  constructor(endpoint: string, statusCode: number, engineMessage: string, cause?: unknown) {
    super('engine', 'engine_error', `The Docker engine at ${endpoint} answered HTTP ${statusCode}: ${engineMessage}`, {
      cause,
      suggestion: 'Check the engine with "docker info"; run again with DEBUG=docker-modem* for the request.',
    })
    this.statusCode = statusCode
    this.engineMessage = engineMessage
  }
}

interface ModemError {
  code?: unknown
  json?: unknown
  statusCode?: unknown
}

/** The HTTP status of an engine answer carried by a dockerode error, if any. */
export function engineStatusOf(error: unknown): number | undefined {
  const {statusCode} = (error ?? {}) as ModemError
  return typeof statusCode === 'number' ? statusCode : undefined
}

/** The engine's own message ({"message": …}) of a dockerode error, without the modem's prefix. */
export function engineMessageOf(error: unknown): string {
  const {json} = (error ?? {}) as ModemError
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message
  if (typeof json === 'string' && json.trim()) return json.trim()
  const message = error instanceof Error ? error.message : String(error)
  // For streamed requests docker-modem keeps the cause only inside its own message text.
  return MODEM_PREFIX.exec(message)?.[1].trim() ?? message
}

const MODEM_PREFIX = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/

/**
 * Turns a dockerode failure into an OccError: socket errors become EngineUnreachableError,
 * HTTP answers EngineRequestError; anything else is returned unchanged.
 */
export function toEngineError(error: unknown, endpoint: string): unknown {
  if (error instanceof OccError) return error
  const {code} = (error ?? {}) as ModemError
  if (isUnreachableCode(code)) return new EngineUnreachableError(endpoint, code, error)
  const status = engineStatusOf(error)
  if (status !== undefined) return new EngineRequestError(endpoint, status, engineMessageOf(error), error)
  return error
}
