import type Dockerode from 'dockerode'
import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'

import type {RegistryCredentials} from './credentials/types.js'

import {describeEndpoint, type EngineEndpoint} from './endpoint.js'
import {readBody} from '../http.js'
import {demultiplexed} from './log-stream.js'
import {drain, type EngineCall, type EngineTransport, imagePath, openTransport, readJson} from './engine-api.js'
import {milliseconds} from '../duration.js'
import {InterruptedError} from '../errors.js'
import {EngineRequestError, EngineUnreachableError, toEngineError} from './errors.js'

export type ImageDetails = Dockerode.ImageInspectInfo
export type ContainerDetails = Dockerode.ContainerInspectInfo

export interface LogOptions {
  follow: boolean
  /** The last N lines only ("all" for every line). */
  tail: number | 'all'
  timestamps: boolean
  /** Unix seconds, or a duration the engine understands ("10m"). */
  since?: string
}

/** What a command run in a container printed (stdout and stderr, in order) and how it ended. */
export interface ExecResult {
  exitCode: number
  output: string
}

/** The platform images run on at this engine, in Go's words ("linux", "amd64"). */
export interface EnginePlatform {
  os: string
  architecture: string
}

export interface BuildRequest {
  /** The context directory and the files in it to send (paths relative to it). */
  context: string
  files: string[]
  /** The Dockerfile's path inside the context. */
  dockerfile: string
  buildArgs: Record<string, string>
  labels: Record<string, string>
  noCache: boolean
}

/**
 * The few engine operations occ needs, with every failure mapped to an OccError that names
 * the endpoint. Every one goes through occ's own small API client (engine-api.ts) and the one
 * connection it opens, so an ssh:// host's key is checked for builds as for everything else.
 */
export class Engine {
  /** How errors name the engine: its URI, and the context it came from. */
  readonly label: string

  private constructor(
    readonly endpoint: EngineEndpoint,
    private readonly api: EngineTransport,
    private readonly options: EngineOptions & {timeoutMs: number},
  ) {
    this.label = describeEndpoint(endpoint)
  }

  /** The engine of `endpoint`; its calls end when `signal` (the run's Ctrl-C) aborts, and take at most `timeoutMs`. */
  static async connect(endpoint: EngineEndpoint, options: EngineOptions = {}): Promise<Engine> {
    const timeoutMs = options.timeoutMs ?? engineTimeoutFromEnv()
    return new Engine(endpoint, await openTransport(endpoint.connection, describeEndpoint(endpoint), timeoutMs), {
      ...options,
      timeoutMs,
    })
  }

  async ping(): Promise<void> {
    await this.exchange({method: 'GET', path: '/_ping'}, drain)
  }

  /** The image a reference or id names, or undefined when the engine has no such image. */
  async inspectImage(reference: string): Promise<ImageDetails | undefined> {
    return unlessMissing(
      this.exchange({method: 'GET', path: `/images/${imagePath(reference)}/json`}, readJson<ImageDetails>),
    )
  }

  /**
   * Starts a pull; the answer is the engine's JSON-lines progress stream. `credentials` go to
   * the engine in the X-Registry-Auth header, for the registry `serverAddress` names only.
   */
  async pull(
    image: {repository: string; tag?: string},
    signal: AbortSignal,
    credentials?: RegistryCredentials & {serverAddress: string},
  ): Promise<Readable> {
    // The engine takes the repository and the tag (or digest) apart, as the docker CLI sends them.
    const headers = credentials === undefined ? undefined : {'X-Registry-Auth': registryAuthHeader(credentials)}
    return this.call({
      headers,
      method: 'POST',
      path: '/images/create',
      query: {fromImage: image.repository, tag: image.tag},
      signal,
    })
  }

  async platform(): Promise<EnginePlatform> {
    const version = await this.exchange({method: 'GET', path: '/version'}, readJson<{Arch: string; Os: string}>)
    return {architecture: version.Arch, os: version.Os}
  }

  /**
   * Starts a build with the classic builder; the answer is its JSON-lines stream. The context
   * is tarred (honouring its .dockerignore) and gzipped as it is sent.
   */
  async build(request: BuildRequest, signal: AbortSignal): Promise<Readable> {
    const context = await packBuildContext(request)
    const query = {
      buildargs: JSON.stringify(request.buildArgs),
      dockerfile: request.dockerfile,
      labels: JSON.stringify(request.labels),
      nocache: String(request.noCache),
      rm: 'true',
    }
    return this.call({
      body: context,
      headers: {'Content-Type': 'application/x-tar'},
      method: 'POST',
      path: '/build',
      query,
      signal,
    })
  }

  /** Changes what the engine holds, so Ctrl-C lets it finish (within its bound): tags never move half-way. */
  async tag(image: string, repo: string, tag: string): Promise<void> {
    await this.exchange({method: 'POST', path: `/images/${imagePath(image)}/tag`, query: {repo, tag}}, drain, {
      interruptible: false,
    })
  }

  /** Removes a name (or the image, given its id) without force; returns what the engine did. Ctrl-C lets it finish. */
  async removeImage(reference: string): Promise<Dockerode.ImageRemoveInfo[]> {
    const call = {method: 'DELETE', path: `/images/${imagePath(reference)}`, query: {force: 'false'}} as const
    // Removing an image deletes its layers on disk, which a slow storage driver takes a while to do.
    const removed = await this.exchange(call, readJson<unknown>, {
      interruptible: false,
      timeoutMs: Math.max(this.options.timeoutMs, REMOVE_TIMEOUT_MS),
    })
    return Array.isArray(removed) ? (removed as Dockerode.ImageRemoveInfo[]) : []
  }

  /** The container a name or id names, or undefined when the engine has none. */
  async inspectContainer(name: string): Promise<ContainerDetails | undefined> {
    return unlessMissing(
      this.exchange({method: 'GET', path: `/containers/${encodeURIComponent(name)}/json`}, readJson<ContainerDetails>),
    )
  }

  /**
   * Creates a container (its labels mark it as occ's from the start, so an interrupted run leaves none unmarked);
   * returns its id.
   */
  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    const call = {
      body: JSON.stringify(body),
      headers: {'Content-Type': 'application/json'},
      method: 'POST',
      path: '/containers/create',
      query: {name},
    } as const
    return (await this.exchange(call, readJson<{Id: string}>, {interruptible: false})).Id
  }

  async startContainer(id: string): Promise<void> {
    await this.unchangedOk({method: 'POST', path: `/containers/${encodeURIComponent(id)}/start`})
  }

  /** Asks the container to stop; the engine kills it after `seconds`. A stopped container is no error. */
  async stopContainer(id: string, seconds: number): Promise<void> {
    await this.unchangedOk(
      {method: 'POST', path: `/containers/${encodeURIComponent(id)}/stop`, query: {t: String(seconds)}},
      seconds * 1000 + this.options.timeoutMs,
    )
  }

  /** Removes the container, never its volumes. */
  async removeContainer(id: string): Promise<void> {
    await this.exchange(
      {method: 'DELETE', path: `/containers/${encodeURIComponent(id)}`, query: {force: 'true', v: 'false'}},
      drain,
      {interruptible: false},
    )
  }

  async renameContainer(id: string, name: string): Promise<void> {
    await this.exchange({method: 'POST', path: `/containers/${encodeURIComponent(id)}/rename`, query: {name}}, drain, {
      interruptible: false,
    })
  }

  /**
   * The container's output as the engine's multiplexed stream (log-stream.ts splits it);
   * `follow` ends when the container stops.
   */
  async containerLogs(id: string, options: LogOptions, signal: AbortSignal): Promise<Readable> {
    const query = {
      follow: String(options.follow),
      since: options.since,
      stderr: 'true',
      stdout: 'true',
      tail: String(options.tail),
      timestamps: String(options.timestamps),
    }
    return this.call({method: 'GET', path: `/containers/${encodeURIComponent(id)}/logs`, query, signal})
  }

  /** Runs `command` in the running container and waits for it, at most `timeoutMs`; its output is cut at 64 KiB. */
  async exec(id: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const created = await this.exchange(
      {
        body: JSON.stringify({AttachStderr: true, AttachStdout: true, Cmd: command}),
        headers: {'Content-Type': 'application/json'},
        method: 'POST',
        path: `/containers/${encodeURIComponent(id)}/exec`,
      },
      readJson<{Id: string}>,
    )
    const start = {
      body: JSON.stringify({Detach: false, Tty: false}),
      headers: {'Content-Type': 'application/json'},
      method: 'POST',
      path: `/exec/${created.Id}/start`,
    } as const
    const output = await this.exchange(start, (response) => readBody(response, 65_536), {timeoutMs})
    const {ExitCode} = await this.exchange(
      {method: 'GET', path: `/exec/${created.Id}/json`},
      readJson<{ExitCode: null | number}>,
    )
    return {exitCode: ExitCode ?? -1, output: demultiplexed(output)}
  }

  /** A call whose 304 ("already so": started, stopped) is success. */
  private async unchangedOk(call: EngineCall, timeoutMs = this.options.timeoutMs): Promise<void> {
    try {
      await this.exchange(call, drain, {interruptible: false, timeoutMs})
    } catch (error) {
      if (!(error instanceof EngineRequestError && error.statusCode === 304)) throw error
    }
  }

  /**
   * One call answered in full (head and body) within its bound, else EngineUnreachableError.
   * An interruptible call ends at once when the run's signal aborts, with InterruptedError.
   */
  private async exchange<T>(
    call: EngineCall,
    read: (response: IncomingMessage) => Promise<T>,
    bound: {interruptible?: boolean; timeoutMs?: number} = {},
  ): Promise<T> {
    const {interruptible = true, timeoutMs = this.options.timeoutMs} = bound
    const run = interruptible ? this.options.signal : undefined
    if (run?.aborted) throw this.interrupted()
    const timer = new AbortController()
    const timeout = setTimeout(() => timer.abort(), timeoutMs)
    try {
      return await read(
        await this.api.request({...call, signal: run ? AbortSignal.any([run, timer.signal]) : timer.signal}),
      )
    } catch (error) {
      if (run?.aborted) throw this.interrupted()
      if (timer.signal.aborted) throw new EngineUnreachableError(this.label, 'ENOANSWER', error, {waitedMs: timeoutMs})
      throw toEngineError(error, this.label)
    } finally {
      clearTimeout(timeout)
    }
  }

  private interrupted(): InterruptedError {
    return new InterruptedError(`the call to the Docker engine at ${this.label}`)
  }

  /** A streamed call (pull, build): its caller's signal and watchdog bound it. */
  private async call(call: EngineCall): Promise<IncomingMessage> {
    try {
      return await this.api.request(call)
    } catch (error) {
      throw toEngineError(error, this.label)
    }
  }
}

export interface EngineOptions {
  /** The run's signal (Ctrl-C, SIGTERM): calls that change nothing end at once when it aborts. */
  signal?: AbortSignal
  /** The bound of each call that is not a stream (default: OCC_ENGINE_TIMEOUT_MS, else DEFAULT_ENGINE_TIMEOUT_MS). */
  timeoutMs?: number
}

/**
 * How long a call that is not a stream (ping, inspect, tag, version) may take in full, and an ssh
 * handshake: a local engine answers these in milliseconds, a remote or busy one in a second or two.
 */
export const DEFAULT_ENGINE_TIMEOUT_MS = 15_000

/** The bound of an image removal, which deletes layers on disk. */
const REMOVE_TIMEOUT_MS = 120_000

/** OCC_ENGINE_TIMEOUT_MS (milliseconds; tests shorten it), else the default; 0 or junk keeps the default. */
export function engineTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return milliseconds(env.OCC_ENGINE_TIMEOUT_MS) || DEFAULT_ENGINE_TIMEOUT_MS
}

/** The X-Registry-Auth header: the engine API's AuthConfig as JSON, in URL-safe base64 (as docker sends it). */
export function registryAuthHeader(credentials: RegistryCredentials & {serverAddress: string}): string {
  return Buffer.from(JSON.stringify(authConfig(credentials)))
    .toString('base64')
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

/** The engine API's AuthConfig (X-Registry-Auth) for a registry. */
function authConfig(credentials: RegistryCredentials & {serverAddress: string}): Dockerode.AuthConfig {
  if ('identityToken' in credentials)
    return {identitytoken: credentials.identityToken, serveraddress: credentials.serverAddress}
  return {password: credentials.password, serveraddress: credentials.serverAddress, username: credentials.username}
}

/**
 * The context's files (the list its .dockerignore leaves, made by lib/image/build.ts) as a gzipped tar,
 * as the docker CLI sends it.
 */
async function packBuildContext(request: BuildRequest): Promise<Readable> {
  const [{default: tar}, {createGzip}] = await Promise.all([import('tar-fs'), import('node:zlib')])
  return tar.pack(request.context, {entries: request.files}).pipe(createGzip())
}

/** An inspection's answer, or undefined when the engine answers 404 (it holds no such thing). */
async function unlessMissing<T>(inspection: Promise<T>): Promise<T | undefined> {
  try {
    return await inspection
  } catch (error) {
    if (error instanceof EngineRequestError && error.statusCode === 404) return undefined
    throw error
  }
}
