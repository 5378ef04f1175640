import type {Agent as HttpAgent, IncomingMessage, RequestOptions} from 'node:http'
import type {Readable} from 'node:stream'
import type {ServerHostKeyAlgorithm} from 'ssh2'

import createDebug from 'debug'
import {readFile} from 'node:fs/promises'
import {connect} from 'node:net'

import {http, isSuccess, loadHttps, readBody, type Requester, send} from '../http.js'
import {parseJson} from '../json.js'

const {Agent: PlainAgent, request: plainRequest} = http

import type {EngineConnection, TlsFiles} from './endpoint.js'

import {EngineTlsFilesError, hostKeyMismatch, hostKeyUnknown, sshKeysNeedPassphrase} from './errors.js'
import {hostKeyAlgorithms, knownHostKeys, knownHostsFiles} from './known-hosts.js'
import {readIdentityKeys, signInMethods} from './ssh-keys.js'
import {resolveSshTarget} from './ssh-target.js'

/**
 * A small client of the Docker Engine API over node:http: the requests occ makes are a few
 * GET/POST/DELETE calls and one streamed answer. dockerode costs ~130 ms of CPU at load
 * (ssh2 and gRPC come with it), which is a tenth of a local 200 MB pull, so image commands
 * speak the API directly, builds included: every request goes through openTransport, the one
 * connection factory. Of dockerode only its context packer (tar, .dockerignore) and docker-modem's
 * ssh tunnel are used.
 */

/** An answer of the engine with an error status; shaped like a docker-modem error so one mapping serves both. */
export class EngineAnswerError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: unknown,
  ) {
    super(
      `(HTTP code ${statusCode}) ` +
        `${typeof json === 'object' && json !== null && 'message' in json ? String(json.message) : String(json)}`,
    )
  }
}

export interface EngineCall {
  method: 'DELETE' | 'GET' | 'HEAD' | 'POST'
  /** The path, e.g. /images/x/json: unversioned, so every engine answers in its current version (as dockerode asks). */
  path: string
  query?: Record<string, string | undefined>
  headers?: Record<string, string>
  /** The request's body: streamed (a build context) or JSON text (a container to create). */
  body?: Readable | string
  signal?: AbortSignal
}

/** How requests reach one engine: where to connect, over which protocol. */
export interface EngineTransport {
  request(call: EngineCall): Promise<IncomingMessage>
}

/**
 * Opens the transport for a connection: the one way occ reaches an engine. TLS files are read
 * now, so a missing one fails before any request; an ssh handshake is given `handshakeMs`.
 */
export async function openTransport(
  connection: EngineConnection,
  label: string,
  handshakeMs: number,
): Promise<EngineTransport> {
  switch (connection.kind) {
    case 'socket': {
      return plainTransport({agent: new PlainAgent({keepAlive: true}), socketPath: connection.socketPath})
    }

    case 'ssh': {
      return sshTransport(connection, label, handshakeMs)
    }

    case 'tcp': {
      if (!connection.tls)
        return plainTransport({agent: new PlainAgent({keepAlive: true}), host: connection.host, port: connection.port})
      const pem = await readTlsFiles(connection.tls, label)
      // Without verification the engine's certificate is accepted as it is (docker's SkipTLSVerify / DOCKER_TLS).
      const https = loadHttps()
      const agent = new https.Agent({...pem, keepAlive: true, rejectUnauthorized: connection.tls.verify})
      return {request: (call) => callEngine(https.request, {agent, host: connection.host, port: connection.port}, call)}
    }
  }
}

/**
 * Requests through docker-modem's ssh tunnel, which runs `docker system dial-stdio` on the host
 * and serves one connection (so one tunnel per request). Host, port, user, keys and known_hosts
 * come from the URL and ~/.ssh/config, as for `ssh`; the host must present a key recorded for it
 * in known_hosts, as `ssh` demands when it cannot ask; the user signs in with the agent's keys,
 * then with identity files that need no passphrase.
 */
async function sshTransport(
  connection: Extract<EngineConnection, {kind: 'ssh'}>,
  label: string,
  handshakeMs: number,
): Promise<EngineTransport> {
  const {default: sshAgent} = await import('docker-modem/lib/ssh.js')
  const agentSocket = process.env.SSH_AUTH_SOCK
  const target = resolveSshTarget(connection)
  const identities = readIdentityKeys(target.identityFiles)
  const methods = signInMethods(target.username, agentSocket, identities)
  const known = knownHostKeys(target.host, target.port, knownHostsFiles(process.env, target.userKnownHostsFiles))
  const checked = {
    typed: connection,
    ...(target.userKnownHostsFiles?.[0] === undefined ? {} : {file: target.userKnownHostsFiles[0]}),
  }
  return {
    async request(call) {
      if (methods.length === 0 && identities.encrypted.length > 0)
        throw sshKeysNeedPassphrase(label, identities.encrypted)
      if (methods.length === 0) throw Object.assign(new Error('SSH_AUTH_SOCK is not set'), {level: 'agent'})
      if (known.keys.length === 0) throw hostKeyUnknown(label, target, checked)
      let presented: Buffer | undefined
      const trusted = (key: Buffer) =>
        known.keys.some((entry) => entry.blob.equals(key)) && !known.revoked.some((entry) => entry.blob.equals(key))
      call.signal?.throwIfAborted()
      // occ's own socket, so that an aborted call also ends a handshake that is still waiting.
      const socket = connect({host: target.host, port: target.port})
      call.signal?.addEventListener('abort', () => socket.destroy(), {once: true})
      const tunnel = sshAgent({
        // Only the algorithms of the recorded keys, so that the host presents one of those.
        algorithms: {serverHostKey: hostKeyAlgorithms(known.keys) as ServerHostKeyAlgorithm[]},
        authHandler: methods,
        host: target.host,
        hostVerifier(key: Buffer) {
          presented = key
          return trusted(key)
        },
        port: target.port,
        readyTimeout: handshakeMs,
        sock: socket,
        username: target.username,
      })
      try {
        return await callEngine(plainRequest, {agent: tunnel, host: target.host}, call)
      } catch (error) {
        if (presented !== undefined && !trusted(presented)) throw hostKeyMismatch(label, target, error, checked)
        if ((error as {level?: unknown}).level === 'client-authentication' && identities.encrypted.length > 0)
          throw sshKeysNeedPassphrase(label, identities.encrypted, error)
        throw error
      }
    },
  }
}

function plainTransport(options: RequestOptions & {agent: HttpAgent}): EngineTransport {
  return {request: (call) => callEngine(plainRequest, options, call)}
}

/** DEBUG=occ:engine shows each call and its status; headers (X-Registry-Auth carries credentials) never. */
const log = createDebug('occ:engine')

/** Sends one call; resolves with the answer when its status is 2xx, else rejects with EngineAnswerError. */
async function callEngine(requester: Requester, target: RequestOptions, call: EngineCall): Promise<IncomingMessage> {
  const query = new URLSearchParams(
    Object.entries(call.query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )
  const path = `${call.path}${query.size > 0 ? `?${query}` : ''}`
  const response = await send(
    requester,
    {...target, headers: call.headers, method: call.method, path, signal: call.signal},
    call.body,
  )
  const status = response.statusCode ?? 0
  log('%s %s -> %d', call.method, path, status)
  if (isSuccess(status)) return response
  throw new EngineAnswerError(status, await readErrorBody(response))
}

/** The body of an error answer: its JSON ({"message": …}) or its text, at most 64 KiB of it. */
async function readErrorBody(response: IncomingMessage): Promise<unknown> {
  const text = (await readBody(response, 65_536)).toString('utf8')
  response.destroy()
  const parsed = parseJson(text)
  return parsed === undefined ? text : parsed.value
}

/** An image reference or id as a path segment: the engine routes /images/{name:.*}/…, so "/" and ":" stay. */
export function imagePath(reference: string): string {
  return encodeURI(reference).replaceAll('?', '%3F').replaceAll('#', '%23')
}

/** Reads a whole JSON answer. */
export async function readJson<T>(response: IncomingMessage): Promise<T> {
  return JSON.parse((await readBody(response)).toString('utf8')) as T
}

/** Reads and discards an answer, so its connection can serve the next call. */
export async function drain(response: IncomingMessage): Promise<void> {
  for await (const chunk of response) void chunk
}

/** The PEM files of a TLS connection, read; a missing or unreadable one is an EngineTlsFilesError. */
async function readTlsFiles(tls: TlsFiles, label: string): Promise<{ca?: Buffer; cert?: Buffer; key?: Buffer}> {
  const read = async (file: string | undefined) => {
    if (file === undefined) return undefined
    try {
      return await readFile(file)
    } catch (error) {
      throw new EngineTlsFilesError(label, file, (error as NodeJS.ErrnoException).code)
    }
  }

  const [ca, cert, key] = await Promise.all([read(tls.ca), read(tls.cert), read(tls.key)])
  return {...(ca ? {ca} : {}), ...(cert ? {cert} : {}), ...(key ? {key} : {})}
}
