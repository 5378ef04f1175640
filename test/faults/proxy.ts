/**
 * A fault-injecting HTTP proxy for the fault suite (issue 6): it sits on 127.0.0.1:<free port>
 * in front of one loopback registry and is switched between modes at run time by the test.
 *
 * Modes, and what each does on the wire:
 * - `pass`: every request is forwarded (a fresh request to the target over a bounded keep-alive
 *   agent, bodies streamed both ways, the client's Host header kept so the registry's Location
 *   headers point back at the proxy).
 * - `refuse`, how `reset` (default): each new TCP connection is accepted and at once closed with
 *   RST (SO_LINGER 0): a client sees ECONNRESET ("socket hang up"). Countable per connection.
 *   How `unlisten`: the listening socket is closed, so the kernel refuses connects: a client sees
 *   ECONNREFUSED (not countable: nothing reaches us). Both also destroy open connections.
 *   Any later mode listens again on the same port.
 * - `reset-mid-blob`: a matching GET (path /blobs/ by default) is forwarded; the response status,
 *   headers (with the target's Content-Length) and the first `afterBytes` body bytes reach the
 *   client, then the client's socket is closed with RST: the client sees ECONNRESET mid-body.
 * - `stall`: a matching request (every one by default) is read and never answered: the socket
 *   stays open and silent until the client gives up or `close()`. With `afterBytes`, the
 *   response starts (headers + that many bytes) and then goes silent mid-body instead.
 * - `status`: the next `count` matching requests are answered by the proxy itself with `status`
 *   (a registry-style JSON error body, `Retry-After` when given), then requests pass.
 * - `throttle`: requests pass, but response bodies share one `bytesPerSecond` budget (a slow
 *   link), sent in slices of at most a tenth of a second's worth.
 *
 * `reset-mid-blob`, `stall` and `status` take `count` (how many matching requests get the fault,
 * default: all for reset/stall, 1 for status); once spent, matching requests pass.
 * Loopback only, bounded (connections, upstream sockets, the request log), no other traffic.
 */
import {
  Agent,
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
  type ServerResponse,
} from 'node:http'
import {createServer as createNetServer, isIPv4, isIPv6, type Server as NetServer, type Socket} from 'node:net'
import {Transform, type TransformCallback} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {setTimeout as sleep} from 'node:timers/promises'

export type InjectedStatus = 500 | 502 | 503 | 429

export type FaultMode =
  | {kind: 'pass'}
  | {kind: 'refuse'; how?: 'reset' | 'unlisten'}
  | {kind: 'reset-mid-blob'; afterBytes: number; path?: RegExp; count?: number}
  | {kind: 'stall'; path?: RegExp; afterBytes?: number; count?: number}
  | {kind: 'status'; status: InjectedStatus; count?: number; path?: RegExp; retryAfter?: number | string}
  | {kind: 'throttle'; bytesPerSecond: number}

export type ModeKind = FaultMode['kind']

const MODE_KINDS: readonly ModeKind[] = ['pass', 'refuse', 'reset-mid-blob', 'stall', 'status', 'throttle']

export interface ProxiedRequest {
  method: string
  path: string
  mode: ModeKind
  /** The fault this request got, if any. */
  fault?: 'reset' | 'stall' | 'status' | 'throttle'
  /** The status the client was sent (the target's or the injected one); absent when none was. */
  status?: number
}

export interface FaultProxyStats {
  /** TCP connections accepted (including those reset in `refuse`). */
  connections: number
  /** HTTP requests read, by the mode in force when each arrived. */
  requests: Record<ModeKind, number>
  /** Faults injected, by kind: refused connections, mid-body resets, stalls, injected statuses, throttled responses. */
  faults: {refuse: number; reset: number; stall: number; status: number; throttle: number}
  /** Sum of `faults`. */
  faultsInjected: number
  /** Request body bytes sent to the target. */
  bytesUp: number
  /** Response body bytes sent to clients. */
  bytesDown: number
  /** Requests that could not reach the target (answered 502 or dropped). */
  upstreamErrors: number
}

export interface FaultProxyOptions {
  /** The registry to forward to: `127.0.0.1:P` (loopback only). */
  target: string
  /** Port to listen on (default: a free one). */
  port?: number
  /** Most simultaneous client connections (default 256); more are closed on accept. */
  maxConnections?: number
  /** Most requests kept in `requests()` (default 2000; older ones are dropped). */
  logLimit?: number
}

const BLOBS = /\/blobs\/sha256:/
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])
/** Time for the bytes sent before a reset to reach the client before the RST discards unsent data. */
const RESET_FLUSH_MS = 30

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIPv4(host)) return host.startsWith('127.')
  return isIPv6(host) && (host === '::1' || host === '0:0:0:0:0:0:0:1')
}

function parseTarget(target: string): {host: string; port: number} {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target)
  if (!match) throw new Error(`fault proxy target must be host:port, got ${JSON.stringify(target)}`)
  const [, host, port] = match
  if (!isLoopback(host)) throw new Error(`fault proxy forwards to loopback only, got ${host}`)
  return {host, port: Number(port)}
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value
  }
  return kept
}

function emptyStats(): FaultProxyStats {
  return {
    bytesDown: 0,
    bytesUp: 0,
    connections: 0,
    faults: {refuse: 0, reset: 0, stall: 0, status: 0, throttle: 0},
    faultsInjected: 0,
    requests: Object.fromEntries(MODE_KINDS.map((kind) => [kind, 0])) as Record<ModeKind, number>,
    upstreamErrors: 0,
  }
}

/** Counts bytes flowing through. */
class Counter extends Transform {
  constructor(private readonly add: (bytes: number) => void) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.add(chunk.length)
    callback(null, chunk)
  }
}

/** Lets `limit` bytes through, then calls `onLimit` once and holds everything after. */
class Cutoff extends Transform {
  private passed = 0
  private reached = false

  constructor(
    private readonly limit: number,
    private readonly onLimit: () => void,
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.reached) return // never calls back: the pipeline stops here until it is destroyed
    const room = this.limit - this.passed
    if (chunk.length < room) {
      this.passed += chunk.length
      callback(null, chunk)
      return
    }
    if (room > 0) this.push(chunk.subarray(0, room))
    this.passed = this.limit
    this.reached = true
    this.onLimit()
  }
}

/** One budget of bytes per second shared by every throttled response (a slow link). */
class Link {
  private nextFree = 0

  constructor(readonly bytesPerSecond: number) {}

  /** Waits for this slice's turn on the link. */
  async take(bytes: number): Promise<void> {
    const now = performance.now()
    const start = Math.max(now, this.nextFree)
    this.nextFree = start + (bytes / this.bytesPerSecond) * 1000
    if (start > now) await sleep(start - now)
  }

  slices(): Transform {
    const slice = Math.max(1, Math.floor(this.bytesPerSecond / 10))
    const take = (bytes: number): Promise<void> => this.take(bytes)
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        void (async () => {
          for (let offset = 0; offset < chunk.length; offset += slice) {
            const part = chunk.subarray(offset, offset + slice)
            await take(part.length)
            this.push(part)
          }
        })().then(() => callback(), callback)
      },
    })
  }
}

export class FaultProxy {
  private readonly target: {host: string; port: number}
  private readonly listener: NetServer
  private readonly http = createHttpServer({keepAlive: true})
  private readonly agent = new Agent({keepAlive: true, maxSockets: 64, maxFreeSockets: 16})
  private readonly sockets = new Set<Socket>()
  private readonly log: ProxiedRequest[] = []
  private readonly logLimit: number
  private counters = emptyStats()
  private current: FaultMode = {kind: 'pass'}
  /** Faults left in the current mode (Infinity: no limit). */
  private remaining = Infinity
  private link: Link | undefined
  private listening = false
  private closed = false
  private boundPort = 0

  private constructor(options: FaultProxyOptions) {
    this.target = parseTarget(options.target)
    this.logLimit = options.logLimit ?? 2000
    this.listener = createNetServer((socket) => this.accept(socket))
    this.listener.maxConnections = options.maxConnections ?? 256
    this.http.on('request', (request: IncomingMessage, response: ServerResponse) => this.handle(request, response))
    // A client that hangs up (often: on purpose, after a fault) is not an error of the proxy.
    this.http.on('clientError', (_error, socket: Socket) => socket.destroy())
  }

  /** Starts a proxy in `pass` mode in front of `options.target`. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options)
    await proxy.listen(options.port ?? 0)
    return proxy
  }

  get port(): number {
    return this.boundPort
  }

  /** `127.0.0.1:<port>`: use it as the registry host in references. */
  get address(): string {
    return `127.0.0.1:${this.boundPort}`
  }

  get mode(): FaultMode {
    return this.current
  }

  /** Faults the current mode still injects before requests pass (Infinity: no limit). */
  get faultsLeft(): number {
    return this.remaining
  }

  /** Switches mode for requests and connections from now on (requests already stalled stay stalled). */
  async setMode(mode: FaultMode): Promise<void> {
    if (this.closed) throw new Error('fault proxy is closed')
    if (mode.kind === 'throttle' && !(mode.bytesPerSecond > 0)) throw new Error('throttle needs bytesPerSecond > 0')
    if (mode.kind === 'reset-mid-blob' && !(mode.afterBytes >= 0))
      throw new Error('reset-mid-blob needs afterBytes >= 0')
    this.current = mode
    this.link = mode.kind === 'throttle' ? new Link(mode.bytesPerSecond) : undefined
    this.remaining = this.faultBudget(mode)
    if (mode.kind === 'refuse') {
      this.destroyConnections(true)
      if ((mode.how ?? 'reset') === 'unlisten') await this.unlisten()
    } else if (!this.listening) {
      await this.listen(this.boundPort)
    }
  }

  pass(): Promise<void> {
    return this.setMode({kind: 'pass'})
  }

  /** A copy of the counters. */
  stats(): FaultProxyStats {
    return structuredClone(this.counters)
  }

  /** Requests seen, oldest first (the last `logLimit`). */
  requests(): ProxiedRequest[] {
    return this.log.map((entry) => ({...entry}))
  }

  resetStats(): void {
    this.counters = emptyStats()
    this.log.length = 0
  }

  /** Stops listening and ends every connection (stalled ones included) and upstream socket. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.destroyConnections(false)
    await this.unlisten()
    this.http.close()
    this.agent.destroy()
  }

  private faultBudget(mode: FaultMode): number {
    switch (mode.kind) {
      case 'status':
        return mode.count ?? 1
      case 'reset-mid-blob':
      case 'stall':
        return mode.count ?? Infinity
      default:
        return Infinity
    }
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject)
      this.listener.listen({host: '127.0.0.1', port, exclusive: true}, () => {
        this.listener.off('error', reject)
        const address = this.listener.address()
        this.boundPort = typeof address === 'object' && address ? address.port : port
        this.listening = true
        resolve()
      })
    })
  }

  private unlisten(): Promise<void> {
    if (!this.listening) return Promise.resolve()
    this.listening = false
    // Resolves once closed; open sockets were destroyed just before.
    return new Promise((resolve) => this.listener.close(() => resolve()))
  }

  private destroyConnections(withReset: boolean): void {
    for (const socket of this.sockets) {
      if (withReset) socket.resetAndDestroy()
      else socket.destroy()
    }
    this.sockets.clear()
  }

  private accept(socket: Socket): void {
    this.counters.connections += 1
    if (this.current.kind === 'refuse' || this.closed) {
      this.injected('refuse')
      socket.resetAndDestroy()
      return
    }
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
    socket.on('error', () => undefined)
    this.http.emit('connection', socket)
  }

  private injected(kind: keyof FaultProxyStats['faults']): void {
    this.counters.faults[kind] += 1
    this.counters.faultsInjected += 1
  }

  private record(entry: ProxiedRequest): ProxiedRequest {
    this.log.push(entry)
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit)
    return entry
  }

  /** Whether this request gets the current mode's fault (and spends one of the budget). */
  private takesFault(request: IncomingMessage): boolean {
    const mode = this.current
    if (mode.kind === 'pass' || mode.kind === 'refuse' || mode.kind === 'throttle') return false
    if (this.remaining <= 0) return false
    const path = request.url ?? '/'
    if (mode.kind === 'reset-mid-blob') {
      if (request.method !== 'GET' || !(mode.path ?? BLOBS).test(path)) return false
    } else if (mode.path && !mode.path.test(path)) {
      return false
    }
    this.remaining -= 1
    return true
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const mode = this.current
    this.counters.requests[mode.kind] += 1
    const entry = this.record({method: request.method ?? 'GET', mode: mode.kind, path: request.url ?? '/'})
    response.once('finish', () => (entry.status ??= response.statusCode))
    const faulted = this.takesFault(request)
    if (faulted && mode.kind === 'status') {
      this.answerStatus(request, response, mode, entry)
    } else if (faulted && mode.kind === 'stall' && mode.afterBytes === undefined) {
      entry.fault = 'stall'
      this.injected('stall')
      request.resume() // read the whole request, answer nothing
    } else if (faulted && mode.kind === 'stall') {
      this.forward(request, response, entry, {afterBytes: mode.afterBytes ?? 0, then: 'stall'})
    } else if (faulted && mode.kind === 'reset-mid-blob') {
      this.forward(request, response, entry, {afterBytes: mode.afterBytes, then: 'reset'})
    } else {
      this.forward(request, response, entry)
    }
  }

  private answerStatus(
    request: IncomingMessage,
    response: ServerResponse,
    mode: Extract<FaultMode, {kind: 'status'}>,
    entry: ProxiedRequest,
  ): void {
    entry.fault = 'status'
    entry.status = mode.status
    this.injected('status')
    request.resume()
    const code = mode.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE'
    const body = JSON.stringify({
      errors: [{code, detail: null, message: `HTTP ${mode.status} injected by the test fault proxy`}],
    })
    const headers: Record<string, string | number> = {
      'Content-Length': Buffer.byteLength(body),
      'Content-Type': 'application/json; charset=utf-8',
    }
    if (mode.retryAfter !== undefined) headers['Retry-After'] = String(mode.retryAfter)
    response.writeHead(mode.status, headers)
    response.end(body)
  }

  /** Forwards one request; with `cut`, the response stops after `afterBytes` body bytes (reset or silence). */
  private forward(
    request: IncomingMessage,
    response: ServerResponse,
    entry: ProxiedRequest,
    cut?: {afterBytes: number; then: 'reset' | 'stall'},
  ): void {
    const upstream = httpRequest({
      agent: this.agent,
      headers: withoutHopByHop(request.headers),
      host: this.target.host,
      method: request.method,
      path: request.url,
      port: this.target.port,
    })
    const clientSocket = request.socket
    let failed = false
    upstream.once('error', () => {
      if (failed || response.destroyed) return
      failed = true
      this.counters.upstreamErrors += 1
      if (response.headersSent) clientSocket.destroy()
      else response.writeHead(502, {'Content-Type': 'text/plain'}).end('fault proxy: target unreachable\n')
    })
    // Errors surface on `upstream` (handled above) or mean the client left (nothing to answer).
    pipeline(request, new Counter((bytes) => (this.counters.bytesUp += bytes)), upstream).catch(() => undefined)
    upstream.once('response', (source: IncomingMessage) => {
      const status = source.statusCode ?? 502
      entry.status = status
      response.writeHead(status, source.statusMessage, withoutHopByHop(source.headers))
      const hasBody = request.method !== 'HEAD' && status !== 204 && status !== 304
      const stages: Transform[] = []
      if (cut && hasBody) {
        entry.fault = cut.then
        this.injected(cut.then)
        if (cut.afterBytes === 0) response.flushHeaders()
        stages.push(
          new Cutoff(cut.afterBytes, () => {
            if (cut.then === 'reset') void this.resetAfterFlush(response, clientSocket)
          }),
        )
      }
      if (this.link && hasBody) {
        entry.fault ??= 'throttle'
        this.injected('throttle')
        stages.push(this.link.slices())
      }
      stages.push(new Counter((bytes) => (this.counters.bytesDown += bytes)))
      const chain: (NodeJS.ReadableStream | NodeJS.WritableStream)[] = [source, ...stages, response]
      pipeline(chain).catch(() => {
        // The client left or was reset on purpose: drop the target's response too.
        source.destroy()
      })
    })
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy()
    })
  }

  /** Lets the bytes already written reach the client, then closes its socket with RST. */
  private async resetAfterFlush(response: ServerResponse, socket: Socket): Promise<void> {
    const deadline = performance.now() + 1000
    while (
      (response.writableLength > 0 || socket.writableLength > 0) &&
      performance.now() < deadline &&
      !socket.destroyed
    ) {
      await sleep(5)
    }
    await sleep(RESET_FLUSH_MS)
    if (!socket.destroyed) socket.resetAndDestroy()
  }
}
