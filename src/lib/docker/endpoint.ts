import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {dockerConfigDir, readDockerCliConfig} from './cli-config.js'
import {EngineEndpointError} from './errors.js'
import {localEngine, localEngineCandidates, namedPipe} from './local-engine.js'

const DEFAULT_SOCKET = '/var/run/docker.sock'

/** TLS towards a tcp:// engine: which PEM files to present and trust (paths; read at connect). */
export interface TlsFiles {
  /** false: the engine's certificate is not checked (DOCKER_TLS without DOCKER_TLS_VERIFY, SkipTLSVerify). */
  verify: boolean
  ca?: string
  cert?: string
  key?: string
}

/**
 * How occ reaches the engine: a unix socket (or a Windows named pipe), TCP (plain or TLS)
 * or ssh (`docker system dial-stdio` on the host).
 */
export type EngineConnection =
  | {kind: 'socket'; socketPath: string}
  /** defaultPort: the URL named no port, so ~/.ssh/config may set one (as it may the user). */
  | {kind: 'ssh'; host: string; port: number; username?: string; defaultPort?: true}
  | {kind: 'tcp'; host: string; port: number; tls?: TlsFiles}

/** Where the endpoint was found, in the docker CLI's order. */
export type EndpointSource = 'currentContext' | 'default' | 'DOCKER_CONTEXT' | 'DOCKER_HOST'

/** The Docker engine occ talks to, named the way the user configured it. */
export interface EngineEndpoint {
  /** The endpoint as a canonical URI, e.g. unix:///var/run/docker.sock, tcp://10.0.0.5:2376, ssh://me@host. */
  uri: string
  source: EndpointSource
  /** The docker context it came from (DOCKER_CONTEXT or config.json's currentContext). */
  context?: string
  connection: EngineConnection
}

/** This machine's engine: the socket, Docker Desktop's on macOS, the named pipe on Windows. */
function defaultEndpoint(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): EngineEndpoint {
  const {socketPath, uri} = localEngine(env, platform)
  return {connection: {kind: 'socket', socketPath}, source: 'default', uri}
}

/**
 * Finds the engine as the docker CLI does: DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_TLS and
 * DOCKER_CERT_PATH), else the context named by DOCKER_CONTEXT, else config.json's currentContext
 * (both from the context store in $DOCKER_CONFIG), else this machine's engine (local-engine.ts).
 */
export function resolveEngineEndpoint(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): EngineEndpoint {
  const host = env.DOCKER_HOST?.trim()
  if (host) return {...parseEngineHost(host, tlsFromEnv(env), `DOCKER_HOST="${host}"`, platform), source: 'DOCKER_HOST'}
  const named = env.DOCKER_CONTEXT?.trim()
  if (named) return contextEndpoint({name: named, source: 'DOCKER_CONTEXT'}, env, platform)
  const {config, file} = readDockerCliConfig(env)
  if (config.currentContext)
    return contextEndpoint({configFile: file, name: config.currentContext, source: 'currentContext'}, env, platform)
  return defaultEndpoint(env, platform)
}

/** "tcp://10.0.0.5:2376 (context prod)": how errors and image:state name the engine. */
export function describeEndpoint(endpoint: Pick<EngineEndpoint, 'context' | 'uri'>): string {
  return endpoint.context === undefined ? endpoint.uri : `${endpoint.uri} (context ${endpoint.context})`
}

/** The default engine of this machine: what image-state.json (the original tool's file) describes. */
export function isDefaultEngine(
  uri: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return localEngineCandidates(env, platform).some((candidate) => candidate.uri === uri)
}

/** TLS as the docker CLI sets it from the environment; certificates default to $DOCKER_CONFIG. */
function tlsFromEnv(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const verify = Boolean(env.DOCKER_TLS_VERIFY)
  if (!verify && !env.DOCKER_TLS) return undefined
  const dir = env.DOCKER_CERT_PATH || dockerConfigDir(env)
  // Like docker: the CA is needed to verify; a client certificate is sent when there is one.
  const present = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined)
  const cert = present('cert.pem')
  const key = present('key.pem')
  return {verify, ...(verify ? {ca: join(dir, 'ca.pem')} : {}), ...(cert ? {cert} : {}), ...(key ? {key} : {})}
}

/** The context store's directory name for a context: the sha256 of its name, in hex. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex')
}

interface ContextMeta {
  Endpoints?: {docker?: {Host?: unknown; SkipTLSVerify?: unknown}}
}

/** The context the user chose, and where: DOCKER_CONTEXT, or the currentContext of a config.json. */
interface ChosenContext {
  name: string
  source: 'currentContext' | 'DOCKER_CONTEXT'
  configFile?: string
}

function contextEndpoint(
  {configFile, name, source}: ChosenContext,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): EngineEndpoint {
  const origin =
    source === 'DOCKER_CONTEXT' ? `DOCKER_CONTEXT="${name}"` : `the current context "${name}" of ${configFile}`
  if (name === 'default') return {...defaultEndpoint(env, platform), context: name, source}
  const dir = dockerConfigDir(env)
  const id = contextId(name)
  const metaFile = join(dir, 'contexts', 'meta', id, 'meta.json')
  let meta: ContextMeta | null
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as ContextMeta | null
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new EngineEndpointError(
      origin,
      missing ? `there is no such context (no ${metaFile})` : `its ${metaFile} is unreadable`,
      CONTEXT_SUGGESTION,
    )
  }

  const docker = meta?.Endpoints?.docker
  if (typeof docker?.Host !== 'string' || docker.Host === '')
    throw new EngineEndpointError(origin, `its ${metaFile} names no Endpoints.docker.Host`, CONTEXT_SUGGESTION)
  const tlsDir = join(dir, 'contexts', 'tls', id, 'docker')
  const files = Object.fromEntries(
    (['ca', 'cert', 'key'] as const).flatMap((kind) =>
      existsSync(join(tlsDir, `${kind}.pem`)) ? [[kind, join(tlsDir, `${kind}.pem`)]] : [],
    ),
  )
  const skipVerify = docker.SkipTLSVerify === true
  // As docker: TLS when the context stores TLS material or skips verification, plain otherwise.
  const tls = Object.keys(files).length > 0 || skipVerify ? {verify: !skipVerify, ...files} : undefined
  return {...parseEngineHost(docker.Host, tls, `${origin} (host "${docker.Host}")`, platform), context: name, source}
}

const CONTEXT_SUGGESTION =
  'Run "docker context ls" to see the contexts, ' +
  'then set DOCKER_CONTEXT (or "docker context use") to one of them, or unset it for the default socket.'

const NOT_A_URL = 'it is not a URL such as unix:///var/run/docker.sock, tcp://HOST:2376 or ssh://USER@HOST'

/** HOST[:PORT] or [IPv6][:PORT] with no scheme: what docker reads as tcp://. */
const BARE_TCP_HOST = /^(?:[\w.-]+|\[[\d.:a-f]+])(?::\d+)?$/i

/**
 * An engine host as the docker CLI accepts it; `origin` names where it was set, for errors.
 * The URI it is known by (and its record named after) is canonical: one engine, one URI.
 */
function parseEngineHost(
  host: string,
  tls: TlsFiles | undefined,
  origin: string,
  platform: NodeJS.Platform,
): Pick<EngineEndpoint, 'connection' | 'uri'> {
  if (/^npipe:\/\//i.test(host)) return pipeEndpoint(host.slice('npipe://'.length), origin, platform)
  const separator = host.indexOf('://')
  if (separator === -1 && !BARE_TCP_HOST.test(host)) throw new EngineEndpointError(origin, NOT_A_URL)
  // As docker: a bare HOST[:PORT] is tcp.
  const scheme = separator === -1 ? 'tcp' : host.slice(0, separator).toLowerCase()
  const rest = separator === -1 ? host : host.slice(separator + 3)
  if (scheme === 'unix') {
    if (rest.includes('://'))
      throw new EngineEndpointError(origin, 'a unix:// endpoint is a socket path, and holds no second scheme')
    // As docker: the socket's path literally (no %-decoding), relative to the working directory;
    // none is the default socket.
    const socketPath = rest === '' ? DEFAULT_SOCKET : resolve(rest)
    return {connection: {kind: 'socket', socketPath}, uri: `unix://${socketPath}`}
  }

  let url: URL
  try {
    url = new URL(`${scheme}://${rest}`)
  } catch {
    throw new EngineEndpointError(origin, NOT_A_URL)
  }

  if (!url.hostname) throw new EngineEndpointError(origin, 'it names no host')
  const hostname = url.hostname.replace(/^\[(.*)]$/, '$1')
  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375
    return {
      connection: {host: hostname, kind: 'tcp', port, ...(tls ? {tls} : {})},
      uri: `tcp://${url.hostname}:${port}`,
    }
  }

  if (url.protocol === 'ssh:') return sshEndpoint(url, hostname, origin)
  throw new EngineEndpointError(
    origin,
    `occ does not support ${url.protocol}// endpoints (use unix://, tcp://, ssh:// or, on Windows, npipe://)`,
  )
}

/** npipe://ADDRESS, read raw: URL parsing would drop the "." of //./pipe/NAME. */
function pipeEndpoint(
  address: string,
  origin: string,
  platform: NodeJS.Platform,
): Pick<EngineEndpoint, 'connection' | 'uri'> {
  if (platform !== 'win32') throw new EngineEndpointError(origin, 'named pipes (npipe://) exist only on Windows')
  const pipe = namedPipe(address)
  if (pipe === undefined)
    throw new EngineEndpointError(
      origin,
      'a named pipe is written npipe:////./pipe/NAME (or npipe:////SERVER/pipe/NAME)',
    )
  return {connection: {kind: 'socket', socketPath: pipe.socketPath}, uri: pipe.uri}
}

function sshEndpoint(url: URL, hostname: string, origin: string): Pick<EngineEndpoint, 'connection' | 'uri'> {
  if (url.password)
    throw new EngineEndpointError(origin, 'ssh:// takes no password in the URL (use an ssh agent or key)')
  if (url.pathname !== '' && url.pathname !== '/')
    throw new EngineEndpointError(origin, 'ssh:// takes no path after the host')
  let username: string | undefined
  try {
    username = url.username ? decodeURIComponent(url.username) : undefined
  } catch {
    throw new EngineEndpointError(origin, 'its user name has a bad % escape')
  }

  const port = url.port ? Number(url.port) : 22
  const uri = `ssh://${url.username ? `${url.username}@` : ''}${url.hostname}${port === 22 ? '' : `:${port}`}`
  return {
    connection: {
      host: hostname,
      kind: 'ssh',
      port,
      ...(username === undefined ? {} : {username}),
      ...(url.port ? {} : {defaultPort: true as const}),
    },
    uri,
  }
}
