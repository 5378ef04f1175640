/**
 * A hostile "registry" for the fault suite (issue 11): a node:http server on 127.0.0.1:<free
 * port> that answers every /v2/ request the way its current mode says, to see what occ does
 * with a registry that lies, floods or tries to steal. Modes:
 *
 * - `redirect`: 307 to the same path on `to` (another origin), as a registry handing blobs to a CDN.
 * - `challenge`: 401 with `header` as WWW-Authenticate. `/token` hands out a token to anyone and
 *   records the Authorization it was sent (the thing an attacker wants).
 * - `error`: `status` with a registry-style JSON error body whose message is `message`.
 * - `huge-body`: 200 with a manifest content type and `bytes` bytes of body (Content-Length set).
 * - `huge-headers`: 200 with one header of `bytes` bytes.
 * - `endless`: 200, chunked, a body that never ends (`chunk` bytes every `everyMs`).
 *
 * Every request is logged (method, path, whether and which Authorization came). Loopback only;
 * close() destroys open connections, so an endless answer ends with the test.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

export type HostileMode =
  | {kind: 'challenge'; header: string}
  | {kind: 'endless'; chunk: number; everyMs: number}
  | {kind: 'error'; status: number; message: string}
  | {kind: 'huge-body'; bytes: number}
  | {kind: 'huge-headers'; bytes: number}
  | {kind: 'redirect'; to: string}

export interface HostileRequest {
  method: string
  path: string
  authorization?: string
}

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json'

export class HostileRegistry {
  private readonly log: HostileRequest[] = []
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()

  private constructor(
    private readonly server: Server,
    private mode: HostileMode,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
    })
  }

  static async start(mode: HostileMode): Promise<HostileRegistry> {
    const server = createServer()
    const registry = new HostileRegistry(server, mode)
    server.on('request', (request: IncomingMessage, response: ServerResponse) => registry.answer(request, response))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return registry
  }

  /** `127.0.0.1:PORT`: what image_repositories names it by. */
  get address(): string {
    const bound = this.server.address()
    if (bound === null || typeof bound === 'string') throw new Error('hostile registry is not listening')
    return `127.0.0.1:${bound.port}`
  }

  setMode(mode: HostileMode): void {
    this.mode = mode
  }

  requests(): HostileRequest[] {
    return [...this.log]
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/'
    const {authorization} = request.headers
    this.log.push({method: request.method ?? 'GET', path, ...(authorization === undefined ? {} : {authorization})})
    request.resume()
    if (path.startsWith('/token')) {
      response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({token: 'hostile-token'}))
      return
    }

    const {mode} = this
    switch (mode.kind) {
      case 'redirect': {
        response.writeHead(307, {location: `http://${mode.to}${path}`}).end()
        return
      }

      case 'challenge': {
        response
          .writeHead(401, {'content-type': 'application/json', 'www-authenticate': mode.header})
          .end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}))
        return
      }

      case 'error': {
        response
          .writeHead(mode.status, {'content-type': 'application/json'})
          .end(JSON.stringify({errors: [{code: 'MANIFEST_UNKNOWN', message: mode.message}]}))
        return
      }

      case 'huge-body': {
        response.writeHead(200, {'content-length': String(mode.bytes), 'content-type': MANIFEST_TYPE})
        const slice = Buffer.alloc(64 * 1024, 0x61)
        let left = mode.bytes
        const write = () => {
          while (left > 0) {
            const part = slice.subarray(0, Math.min(left, slice.length))
            left -= part.length
            if (!response.write(part)) return void response.once('drain', write)
          }

          response.end()
        }

        response.on('error', () => undefined)
        write()
        return
      }

      case 'huge-headers': {
        response.writeHead(200, {'content-type': MANIFEST_TYPE, 'x-flood': 'a'.repeat(mode.bytes)}).end('{}')
        return
      }

      case 'endless': {
        response.writeHead(200, {'content-type': MANIFEST_TYPE})
        response.on('error', () => undefined)
        const chunk = Buffer.alloc(mode.chunk, 0x20)
        const timer = setInterval(() => {
          if (response.destroyed) {
            clearInterval(timer)
            this.timers.delete(timer)
          } else response.write(chunk)
        }, mode.everyMs)
        this.timers.add(timer)
      }
    }
  }
}
