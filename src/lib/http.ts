import type {IncomingMessage, RequestOptions} from 'node:http'

import createDebug from 'debug'
import {createRequire} from 'node:module'
import {pipeline, Readable} from 'node:stream'
import {urlToHttpOptions} from 'node:url'

// require(), not import: an ES import of node:http evaluates every export of its namespace, and
// on Node 24 the WebSocket ones load undici (~10 ms and ~10 MiB at every engine command, measured).
const nodeRequire = createRequire(import.meta.url)
export const http = nodeRequire('node:http') as typeof import('node:http')
/** node:https, loaded when a TLS engine or an https registry is first asked. */
export const loadHttps = (): typeof import('node:https') => nodeRequire('node:https') as typeof import('node:https')
const plainRequest = http.request

/**
 * HTTP over node:http, for the engine API and the registry API. Not fetch: Node 20's fetch
 * (undici) costs ~40 ms to load and compiles its WebAssembly parser in the background,
 * which the process then waits for at exit (~100 ms more on this kind of machine).
 */

export type Requester = typeof plainRequest

/** Socket-level failures in a user's words; PEER stands for the other side (the engine, a registry). */
const SOCKET_FAILURES = {
  EACCES: 'permission denied',
  EAI_AGAIN: 'the DNS lookup failed, no answer from the name server',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by PEER',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOENT: 'no such socket',
  ENOTFOUND: 'unknown host, DNS has no address for it',
  EPERM: 'permission denied',
  EPIPE: 'connection closed by PEER',
  ETIMEDOUT: 'connection timed out',
} as const

export type SocketFailureCode = keyof typeof SOCKET_FAILURES

/** The code of an error that means the connection itself failed (refused, DNS, unreachable, reset…). */
export function socketFailureOf(error: unknown): SocketFailureCode | undefined {
  const {code} = (error ?? {}) as {code?: unknown}
  return typeof code === 'string' && Object.hasOwn(SOCKET_FAILURES, code) ? (code as SocketFailureCode) : undefined
}

/** What a socket failure means, naming `peer` where the other side acted. */
export function socketFailureWords(code: SocketFailureCode, peer: string): string {
  return SOCKET_FAILURES[code].replace('PEER', peer)
}

/** Sends one request (with `body`, if any) and resolves with the answer's head; its body is still to be read. */
export async function send(
  requester: Requester,
  options: RequestOptions,
  body?: Readable | string,
): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = requester(options, resolve)
    request.once('error', reject)
    // A streamed body that fails ends the request with its error; an aborted request ends the body.
    if (body instanceof Readable) pipeline(body, request, () => {})
    else request.end(body)
  })
}

/** A 2xx status. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

/** An answer's body; past `limit` bytes the answer is cut off and what came so far is returned. */
export async function readBody(response: Readable, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of response) {
    chunks.push(chunk as Buffer)
    length += (chunk as Buffer).length
    if (length > limit) {
      response.destroy()
      break
    }
  }

  return Buffer.concat(chunks)
}

/** A whole answer to a request by URL. */
export interface HttpAnswer {
  status: number
  /** A header's value (the first, when it came more than once), by its name in any case. */
  header(name: string): string | undefined
  body: Buffer
  /** The URL that answered, after redirects (test fakes may leave it out: then the URL asked). */
  url?: string
}

export interface HttpCall {
  method: 'GET' | 'POST'
  headers: Record<string, string>
  /** Sent as a form (application/x-www-form-urlencoded). */
  form?: URLSearchParams
  signal: AbortSignal
}

/** How a URL is asked: node:http(s) by default; tests stand in for it. */
export type HttpSend = (url: string, call: HttpCall) => Promise<HttpAnswer>

/** The most an answer may weigh: the distribution spec caps manifests at 4 MiB; configs and errors are smaller. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

/**
 * Asks a URL over http: or https: and reads the whole answer, following redirects (a
 * registry may send blobs from another host) without the Authorization header once they
 * leave the origin, as fetch does. A form (it may carry a refresh token) is never sent to
 * another origin: such a redirect is returned as the answer.
 */
export const sendUrl: HttpSend = (url, call) => follow(new URL(url), call, 0)

/** DEBUG=occ:http shows each request by method, host and path, and its status; never headers or bodies. */
const log = createDebug('occ:http')

async function follow(url: URL, call: HttpCall, redirects: number): Promise<HttpAnswer> {
  const form = call.form?.toString()
  const headers =
    form === undefined
      ? call.headers
      : {
          ...call.headers,
          'Content-Length': String(Buffer.byteLength(form)),
          'Content-Type': 'application/x-www-form-urlencoded',
        }
  // node:https (and with it tls) loads only for https: URLs; loopback registries speak plain HTTP.
  const requester = url.protocol === 'https:' ? loadHttps().request : plainRequest
  const response = await send(
    requester,
    {...urlToHttpOptions(url), headers, method: call.method, signal: call.signal},
    form,
  )
  const status = response.statusCode ?? 0
  log('%s %s%s -> %d', call.method, url.host, url.pathname, status)
  const location = response.headers.location
  const next =
    REDIRECTS.has(status) && location !== undefined && redirects < MAX_REDIRECTS ? new URL(location, url) : undefined
  // As fetch: 303 (and 301/302 after a POST) become a GET without the form.
  const asGet = status === 303 || ((status === 301 || status === 302) && call.method === 'POST')
  const sameOrigin = next?.origin === url.origin
  if (next && (sameOrigin || asGet || call.form === undefined)) {
    response.resume()
    const nextHeaders = sameOrigin
      ? call.headers
      : Object.fromEntries(Object.entries(call.headers).filter(([name]) => name.toLowerCase() !== 'authorization'))
    return follow(
      next,
      {...call, headers: nextHeaders, ...(asGet ? {form: undefined, method: 'GET'} : {})},
      redirects + 1,
    )
  }

  const body = await readBody(response, MAX_ANSWER_BYTES)
  if (body.length > MAX_ANSWER_BYTES)
    throw new Error(`the answer from ${url.host} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`)
  return {body, header: (name) => headerValue(response, name), status, url: url.toString()}
}

function headerValue(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
