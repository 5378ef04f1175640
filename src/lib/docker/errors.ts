import {messageOf, OccError} from '../errors.js'
import {type SocketFailureCode, socketFailureOf, socketFailureWords} from '../http.js'
import {printable} from '../printable.js'

/** Not a socket code: occ's own bound on an engine that accepted the connection and then said nothing. */
export type EngineFailureCode = SocketFailureCode | 'ENOANSWER'

/** A socket-level failure, or no answer in time, means "no engine there". */
export class EngineUnreachableError extends OccError {
  readonly endpoint: string

  /** `waitedMs`: how long occ waited for an answer (ENOANSWER). */
  constructor(
    endpoint: string,
    code: EngineFailureCode,
    cause?: unknown,
    options: {platform?: NodeJS.Platform; waitedMs?: number} = {},
  ) {
    const {platform = process.platform, waitedMs} = options
    const permission = code === 'EACCES' || code === 'EPERM'
    const within = waitedMs === undefined ? '' : ` within ${waitedMs / 1000} s`
    const words =
      code === 'ENOANSWER' ? 'it accepted the connection but did not answer' : socketFailureWords(code, 'the engine')
    super('engine', 'engine_unreachable', `Cannot reach the Docker engine at ${endpoint}: ${words}${within}.`, {
      cause,
      details: {endpoint, reason: code},
      suggestion:
        code === 'ENOANSWER'
          ? noAnswerHint(hintPlatform(platform))
          : (permission ? PERMISSION_HINTS : START_HINTS)[hintPlatform(platform)],
    })
    this.endpoint = endpoint
  }
}

/** Docker Desktop runs the engine on macOS and Windows; elsewhere a service manager does. */
function hintPlatform(platform: NodeJS.Platform): 'darwin' | 'other' | 'win32' {
  return platform === 'darwin' || platform === 'win32' ? platform : 'other'
}

const START_HINTS = {
  darwin: 'Start Docker Desktop (or your engine, e.g. "colima start"), or set DOCKER_HOST to a running engine.',
  other: 'Start Docker (for example "sudo systemctl start docker"), or set DOCKER_HOST to a running engine.',
  win32: 'Start Docker Desktop, or set DOCKER_HOST to a running engine.',
}

const RESTART_HINTS = {
  darwin: 'restart Docker Desktop',
  other: 'restart it (for example "sudo systemctl restart docker")',
  win32: 'restart Docker Desktop',
}

function noAnswerHint(platform: keyof typeof RESTART_HINTS): string {
  return (
    `The engine (or the proxy or tunnel in front of it) seems hung: ${RESTART_HINTS[platform]}, ` +
    'or check DOCKER_HOST. OCC_ENGINE_TIMEOUT_MS sets how long occ waits (milliseconds).'
  )
}

const PERMISSION_HINTS = {
  darwin:
    'Check that the socket belongs to you (Docker Desktop makes it for the user who runs it), ' +
    'or set DOCKER_HOST to an engine you may use.',
  other: 'Add your user to the "docker" group (then log in again), or set DOCKER_HOST to an engine you may use.',
  win32:
    'Add your user to the "docker-users" group (then sign out and in again), ' +
    'or set DOCKER_HOST to an engine you may use.',
}

export class EngineEndpointError extends OccError {
  /** `origin` names where the endpoint was set, e.g. DOCKER_HOST="…" or a context. */
  constructor(
    origin: string,
    problem: string,
    suggestion = 'Set DOCKER_HOST to unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST, ' +
      'or unset it to use the default socket.',
  ) {
    super('engine', 'engine_endpoint_invalid', `${origin} cannot be used: ${problem}.`, {suggestion})
  }
}

/** The TLS material for a tcp:// engine is missing or unreadable, before anything is sent. */
export class EngineTlsFilesError extends OccError {
  constructor(endpoint: string, file: string, code: string | undefined) {
    super(
      'engine',
      'engine_tls_files',
      `Cannot use TLS towards the Docker engine at ${endpoint}: ` +
        `${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`}.`,
      {
        details: {endpoint, file},
        suggestion:
          'Point DOCKER_CERT_PATH at the directory with ca.pem, cert.pem and key.pem (default ~/.docker), ' +
          'or fix the TLS files of the docker context.',
      },
    )
  }
}

/** The TLS handshake with the engine failed: certificates that do not match, or TLS on one side only. */
export class EngineTlsError extends OccError {
  constructor(endpoint: string, reason: string, cause?: unknown) {
    super('engine', 'engine_tls_failed', `The TLS handshake with the Docker engine at ${endpoint} failed: ${reason}.`, {
      cause,
      details: {endpoint, reason},
      suggestion:
        "Check DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem must be the CA that signed the engine's certificate; " +
        'cert.pem and key.pem a client certificate it trusts), or the TLS files of the docker context.',
    })
  }
}

/** An ssh:// engine: the ssh layer failed before the engine was asked anything (agent, keys, handshake). */
export class EngineSshError extends OccError {
  constructor(endpoint: string, problem: string, suggestion: string, cause?: unknown) {
    super('engine', 'engine_ssh_failed', `The ssh connection to the Docker engine at ${endpoint} failed: ${problem}.`, {
      cause,
      details: {endpoint},
      suggestion,
    })
  }
}

/** How ssh names a host in known_hosts: the name alone on port 22, else [name]:port. */
function knownHostsName({host, port}: {host: string; port: number}): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function sshCommand({host, port, username}: {host: string; port: number; username?: string}): string {
  return `ssh ${port === 22 ? '' : `-p ${port} `}${username === undefined ? '' : `${username}@`}${host}`
}

interface SshHost {
  host: string
  port: number
  username?: string
}

/**
 * Which host key was checked: `host` is the name dialled (after ~/.ssh/config's HostName), `typed`
 * the host as DOCKER_HOST names it (what the user signs in to by hand), `file` UserKnownHostsFile if set.
 */
interface CheckedHost {
  host: SshHost
  typed?: SshHost
  file?: string
}

/** The host has no key in known_hosts: ssh would ask, and occ cannot. */
export function hostKeyUnknown(
  endpoint: string,
  host: SshHost,
  checked: Omit<CheckedHost, 'host'> = {},
): EngineSshError {
  return new EngineSshError(
    endpoint,
    `${knownHostsName(host)} is not in ${checked.file ?? '~/.ssh/known_hosts'}, so its key cannot be checked`,
    "Check the host's key and record it by signing in once " +
      `with "${sshCommand(checked.typed ?? host)}", then try again.`,
  )
}

/** The host presented a key other than the one recorded for it. */
export function hostKeyMismatch(
  endpoint: string,
  host: SshHost,
  cause?: unknown,
  checked: Omit<CheckedHost, 'host'> = {},
): EngineSshError {
  const name = knownHostsName(host)
  return new EngineSshError(
    endpoint,
    `the host presented a key that known_hosts does not record for ${name} ` +
      "(the connection may be intercepted, or the host's key changed)",
    'Do not go on unless you know the key changed; ' +
      `then remove the old one ("ssh-keygen ${checked.file === undefined ? '' : `-f ${checked.file} `}-R '${name}'") ` +
      `and record the new one by signing in with "${sshCommand(checked.typed ?? host)}".`,
    cause,
  )
}

/**
 * Only passphrase-protected identity files were left to try (or none at all was accepted):
 * occ cannot ask for a passphrase.
 */
export function sshKeysNeedPassphrase(endpoint: string, files: string[], cause?: unknown): EngineSshError {
  const list = files.join(', ')
  return new EngineSshError(
    endpoint,
    `${files.length === 1 ? `the key ${list} is` : `the keys ${list} are`} protected by a passphrase, ` +
      `which occ cannot ask for${cause === undefined ? '' : ', and the host accepted no other key'}`,
    `Add it to your ssh agent ("ssh-add ${files[0]}", which asks for the passphrase once) ` +
      'and keep SSH_AUTH_SOCK pointing at the agent.',
    cause,
  )
}

const SSH_AGENT_FIX =
  'occ signs in with the keys of an ssh agent, ' +
  'or with key files that need no passphrase (IdentityFile in ~/.ssh/config, else ~/.ssh/id_*): ' +
  'start an agent ("eval $(ssh-agent)"), add your key ("ssh-add KEYFILE") and keep SSH_AUTH_SOCK pointing at it.'

/** What ssh2 reports, by the `level` it gives its errors, in a user's words. */
const SSH_FAILURES: Record<string, (message: string) => {problem: string; suggestion: string}> = {
  agent: (message) => ({problem: `the ssh agent could not be used (${message})`, suggestion: SSH_AGENT_FIX}),
  'client-authentication': () => ({
    problem: "the host accepted none of the keys occ offered (your ssh agent's, then your identity files')",
    suggestion:
      'Add the key the host accepts to your agent ("ssh-add KEYFILE"; "ssh-add -l" lists what it holds), ' +
      'and check the user in DOCKER_HOST or ~/.ssh/config.',
  }),
  handshake: (message) => ({
    problem: `the ssh handshake failed (${message})`,
    suggestion: 'Check that "ssh USER@HOST" works from this machine.',
  }),
  protocol: (message) => ({
    problem: `the ssh session failed (${message})`,
    suggestion: 'Check that "ssh USER@HOST" works from this machine.',
  }),
}

/** The engine answered, but with an error it reports for the request. */
export class EngineRequestError extends OccError {
  readonly statusCode: number
  readonly engineMessage: string

  constructor(endpoint: string, statusCode: number, engineMessage: string, cause?: unknown) {
    super('engine', 'engine_error', `The Docker engine at ${endpoint} answered HTTP ${statusCode}: ${engineMessage}`, {
      cause,
      suggestion: 'Check the engine with "docker info"; run again with DEBUG=occ:engine to see the requests.',
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

/** The HTTP status of an engine answer carried by an engine error, if any. */
export function engineStatusOf(error: unknown): number | undefined {
  const {statusCode} = (error ?? {}) as ModemError
  return typeof statusCode === 'number' ? statusCode : undefined
}

/** The engine's own message ({"message": …}) of an engine error, without the "(HTTP code N)" prefix. */
export function engineMessageOf(error: unknown): string {
  // The engine relays what registries said: printable before anyone shows it.
  return printable(rawEngineMessage(error), {lines: true})
}

function rawEngineMessage(error: unknown): string {
  const {json} = (error ?? {}) as ModemError
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message
  if (typeof json === 'string' && json.trim()) return json.trim()
  const message = messageOf(error)
  // For streamed requests docker-modem keeps the cause only inside its own message text.
  return MODEM_PREFIX.exec(message)?.[1].trim() ?? message
}

const MODEM_PREFIX = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/

/**
 * Turns an engine failure into an OccError: socket errors become EngineUnreachableError,
 * HTTP answers EngineRequestError; anything else is returned unchanged.
 */
export function toEngineError(error: unknown, endpoint: string): unknown {
  if (error instanceof OccError) return error
  const {level} = (error ?? {}) as {level?: unknown}
  const ssh =
    typeof level === 'string' && Object.hasOwn(SSH_FAILURES, level) ? SSH_FAILURES[level](messageOf(error)) : undefined
  // A port that never speaks SSH: ssh2 gives up waiting for the handshake.
  if (level === 'client-timeout') return new EngineUnreachableError(endpoint, 'ENOANSWER', error)
  // Before the codes: an agent socket that is missing is ENOENT too, and is no engine socket.
  if (ssh) return new EngineSshError(endpoint, ssh.problem, ssh.suggestion, error)
  const unreachable = socketFailureOf(error)
  if (unreachable) return new EngineUnreachableError(endpoint, unreachable, error)
  const tls = tlsFailureOf(error)
  if (tls !== undefined) return new EngineTlsError(endpoint, tls, error)
  const status = engineStatusOf(error)
  if (status === 400 && PLAIN_TO_TLS.test(engineMessageOf(error)))
    return new EngineTlsError(
      endpoint,
      'the engine expects TLS, but occ spoke plain HTTP (set DOCKER_TLS_VERIFY=1)',
      error,
    )
  if (status !== undefined) return new EngineRequestError(endpoint, status, engineMessageOf(error), error)
  return error
}

/** What dockerd answers a plain HTTP request on its TLS port. */
const PLAIN_TO_TLS = /client sent an http request to an https server/i

/** Certificate verification codes of OpenSSL as Node reports them, and Node's own TLS/SSL codes. */
const TLS_CODE =
  /^(?:ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|EPROTO$)/

const UNTRUSTED_CERTIFICATE = "the engine's certificate is not signed by the CA in ca.pem"

/** What the common TLS failures mean, in a user's words. */
const TLS_REASONS: [RegExp, string][] = [
  [
    /^ERR_SSL_(?:SSLV3_ALERT_BAD_CERTIFICATE|TLSV13_ALERT_CERTIFICATE_REQUIRED|TLSV1_ALERT_UNKNOWN_CA)$/,
    "the engine refused occ's client certificate (cert.pem is missing or not signed by a CA the engine trusts)",
  ],
  [/^(?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?)$/, UNTRUSTED_CERTIFICATE],
  [/^(?:SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)$/, UNTRUSTED_CERTIFICATE],
  [/^ERR_TLS_CERT_ALTNAME_INVALID$/, "the engine's certificate is not made out to this host"],
  [/^CERT_(?:HAS_EXPIRED|NOT_YET_VALID)$/, "the engine's certificate is expired or not yet valid"],
]

/** The reason a dockerode error is a TLS failure, or undefined when it is not one. */
function tlsFailureOf(error: unknown): string | undefined {
  const {code, reason} = (error ?? {}) as ModemError & {reason?: unknown}
  if (typeof code !== 'string' || !TLS_CODE.test(code)) return undefined
  const known = TLS_REASONS.find(([pattern]) => pattern.test(code))?.[1]
  // OpenSSL's own message carries a stack of internal identifiers; its `reason` is the readable part.
  const detail = typeof reason === 'string' ? reason : error instanceof Error ? error.message.split('\n')[0] : code
  return `${known ?? detail} (${code})`
}
