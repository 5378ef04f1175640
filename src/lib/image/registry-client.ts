import {createHash} from 'node:crypto'

import {DOCKER_HUB, DOCKER_HUB_API_HOST} from '../docker/docker-hub.js'
import {InterruptedError, messageOf} from '../errors.js'
import {parseJson} from '../json.js'
import {printable} from '../printable.js'
import {type HttpAnswer, type HttpSend, isSuccess, sendUrl, socketFailureOf, socketFailureWords} from '../http.js'
import {PullFailure} from './errors.js'
import {MANIFEST_ACCEPT} from './manifest.js'
import {parseRetryAfter, type RetryPolicy, retryPolicyFromEnv, withRetries} from './retry.js'
import {
  type AuthChallenge,
  authenticationFailed,
  basicAuthorization,
  type CredentialsProvider,
  parseChallenge,
  type RegistryCredentials,
} from './registry-auth.js'

export interface RegistryClientOptions {
  /** Ctrl-C: stops every request with InterruptedError. */
  signal: AbortSignal
  /** When the whole check's budget ends (ms since the epoch): no request runs, and no retry waits, past it. */
  deadlineAt: number
  /** Longest wait for one answer. */
  requestTimeoutMs: number
  credentials?: CredentialsProvider
  /** How a URL is asked (default: node:http(s)); tests stand in for the registry. */
  send?: HttpSend
  /** Retries of network errors and 429/5xx answers (default: retryPolicyFromEnv()). */
  policy?: RetryPolicy
}

/** Answers worth asking again: rate limited, or the server (or a proxy before it) failing for now. */
const TRANSIENT_STATUSES = new Set([429, 500, 502, 503, 504])

/** A transient answer, thrown so that withRetries asks again; the last one is returned as is. */
class TransientAnswer extends Error {
  constructor(readonly response: HttpAnswer) {
    super(`HTTP ${response.status}`)
  }
}

export interface FetchedManifest {
  /** The digest the registry names it by (Docker-Content-Digest, else the body's sha256). */
  digest: string
  contentType?: string
  body: unknown
}

/** Loopback registries speak plain HTTP, as the docker engine assumes for them. */
export function registryBaseUrl(registry: string): string {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)]$/, '$1')
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  return `${loopback ? 'http' : 'https'}://${registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry}`
}

/**
 * Reads manifests and small blobs through the registry HTTP API v2, answering one
 * authentication challenge per registry (anonymous bearer tokens, or the user's credentials).
 * Every failure is a PullFailure with the same kinds a pull reports.
 */
export class RegistryClient {
  private authorization: string | undefined
  /** The user's credentials, once the registry accepted them as the answer to its challenge. */
  private sentCredentials: RegistryCredentials | undefined

  constructor(
    readonly registry: string,
    private readonly options: RegistryClientOptions,
  ) {}

  async manifest(path: string, reference: string): Promise<FetchedManifest> {
    const response = await this.get(`/v2/${path}/manifests/${reference}`, path, MANIFEST_ACCEPT)
    const digest =
      response.header('docker-content-digest') ?? `sha256:${createHash('sha256').update(response.body).digest('hex')}`
    const contentType = response.header('content-type')
    return {body: jsonBody(response.body), digest, ...(contentType === undefined ? {} : {contentType})}
  }

  async blobJson(path: string, digest: string): Promise<unknown> {
    const response = await this.get(`/v2/${path}/blobs/${digest}`, path, 'application/json, */*')
    return jsonBody(response.body)
  }

  private async get(urlPath: string, repository: string, accept: string): Promise<HttpAnswer> {
    const url = `${registryBaseUrl(this.registry)}${urlPath}`
    let response = await this.request(url, {accept, authorization: this.authorization})
    if (response.status === 401 && this.authorization === undefined) {
      const answeredBy = new URL(response.url ?? url)
      // The user's credentials belong to this registry: a host it merely redirected to gets no answer to its challenge.
      if (answeredBy.origin !== new URL(url).origin)
        throw new PullFailure(
          'auth',
          `${this.registry} redirected to ${answeredBy.host}, which asks for authentication; ` +
            `occ answers only the challenges of ${this.registry} itself`,
        )
      this.authorization = await this.authorize(parseChallenge(response.header('www-authenticate')), repository)
      if (this.authorization !== undefined)
        response = await this.request(url, {accept, authorization: this.authorization})
    }

    if (isSuccess(response.status)) return response
    const message = registryMessage(response)
    if (response.status === 401 && this.sentCredentials)
      throw authenticationFailed(this.registry, this.sentCredentials, message)
    if (response.status === 401 || response.status === 403) throw new PullFailure('auth', message)
    if (response.status === 404) throw new PullFailure('not-found', message)
    throw new PullFailure('unavailable', message)
  }

  /** One request, asked again after network errors and 429/5xx answers, waiting what Retry-After says (capped). */
  private async request(url: string, init: RequestInit): Promise<HttpAnswer> {
    const {deadlineAt, signal} = this.options
    try {
      return await withRetries(
        async () => {
          const response = await this.requestOnce(url, init)
          if (TRANSIENT_STATUSES.has(response.status)) throw new TransientAnswer(response)
          return response
        },
        {
          interrupted: () => new InterruptedError(`the update check of ${this.registry}`),
          judge: (error) =>
            error instanceof TransientAnswer
              ? {retry: true, retryAfterMs: parseRetryAfter(error.response.header('retry-after'))}
              : {retry: error instanceof PullFailure && error.kind === 'unavailable'},
          policy: this.options.policy ?? retryPolicyFromEnv(),
          signal,
          until: deadlineAt,
        },
      )
    } catch (error) {
      if (error instanceof TransientAnswer) return error.response
      throw error
    }
  }

  private async requestOnce(url: string, {accept, authorization, form}: RequestInit): Promise<HttpAnswer> {
    const {deadlineAt, requestTimeoutMs, signal} = this.options
    const sendFn = this.options.send ?? sendUrl
    const host = new URL(url).host
    const waitMs = Math.min(requestTimeoutMs, deadlineAt - Date.now())
    if (waitMs <= 0) throw new PullFailure('unavailable', `not asked: the check's time was up before ${host} could be`)
    const timeout = new AbortController()
    const timer = setTimeout(() => timeout.abort(), waitMs)
    const request = linkedSignal([signal, timeout.signal])
    const headers = {Accept: accept, ...(authorization === undefined ? {} : {Authorization: authorization})}
    try {
      return await sendFn(url, {
        headers,
        method: form === undefined ? 'GET' : 'POST',
        signal: request.signal,
        ...(form === undefined ? {} : {form}),
      })
    } catch (error) {
      if (signal.aborted) throw new InterruptedError(`the update check of ${this.registry}`)
      if (timeout.signal.aborted)
        throw new PullFailure(
          'unavailable',
          `timed out: no answer from ${host} within ${Number((waitMs / 1000).toFixed(1))} s`,
        )
      const socketFailure = socketFailureOf(error)
      // The cause in a user's words (refused, DNS, unreachable, reset), naming the host: it may be a token service.
      if (socketFailure)
        throw new PullFailure('unavailable', `${socketFailureWords(socketFailure, 'the server')} (${host})`)
      throw new PullFailure('unavailable', messageOf(error))
    } finally {
      clearTimeout(timer)
      request.release()
    }
  }

  /** The Authorization header that answers `challenge`, or undefined when occ has nothing to offer. */
  private async authorize(challenge: AuthChallenge | undefined, repository: string): Promise<string | undefined> {
    if (challenge?.scheme === 'unusable')
      throw new PullFailure(
        'unavailable',
        `${this.registry} asks for authentication in a way occ cannot follow: ${challenge.problem}`,
      )
    const credentials = await this.options.credentials?.(this.registry)
    if (challenge?.scheme === 'basic') {
      const authorization = credentials && basicAuthorization(credentials)
      if (authorization !== undefined) this.sentCredentials = credentials
      return authorization
    }

    if (challenge?.scheme !== 'bearer') return undefined
    if (credentials) {
      const token = await this.token(challenge, repository, credentials)
      if (token.ok) {
        this.sentCredentials = credentials
        return token.authorization
      }

      // Stale credentials: a public repository still serves anyone, so ask once more without them.
      const anonymous = await this.token(challenge, repository, undefined)
      if (anonymous.ok) return anonymous.authorization
      throw authenticationFailed(this.registry, credentials, token.message)
    }

    const token = await this.token(challenge, repository, undefined)
    if (token.ok) return token.authorization
    throw new PullFailure('auth', token.message)
  }

  /**
   * A bearer token from the challenge's realm: anonymous, with a password (GET, basic)
   * or an identity token (OAuth2 POST).
   */
  private async token(
    challenge: Extract<AuthChallenge, {scheme: 'bearer'}>,
    repository: string,
    credentials: RegistryCredentials | undefined,
  ): Promise<{authorization: string; ok: true} | {message: string; ok: false}> {
    const url = new URL(challenge.realm)
    const scope = challenge.scope ?? `repository:${repository}:pull`
    let response: HttpAnswer
    if (credentials && 'identityToken' in credentials) {
      const form = new URLSearchParams({
        client_id: 'occ',
        grant_type: 'refresh_token',
        refresh_token: credentials.identityToken,
        scope,
        ...(challenge.service === undefined ? {} : {service: challenge.service}),
      })
      response = await this.request(url.toString(), {accept: 'application/json', authorization: undefined, form})
    } else {
      if (challenge.service !== undefined) url.searchParams.set('service', challenge.service)
      url.searchParams.set('scope', scope)
      response = await this.request(url.toString(), {
        accept: 'application/json',
        authorization: credentials && basicAuthorization(credentials),
      })
    }

    if (response.status === 401 || response.status === 403)
      return {message: `the token service ${url.host} answered HTTP ${response.status}`, ok: false}
    if (!isSuccess(response.status))
      throw new PullFailure('unavailable', `the token service ${url.host} answered HTTP ${response.status}`)
    const body = jsonBody(response.body) as null | {access_token?: unknown; token?: unknown}
    const token = typeof body?.token === 'string' ? body.token : body?.access_token
    if (typeof token !== 'string') throw new PullFailure('unavailable', `the token service ${url.host} sent no token`)
    return {authorization: `Bearer ${token}`, ok: true}
  }
}

interface RequestInit {
  accept: string
  authorization: string | undefined
  /** Sent as a form POST (OAuth2 token requests); a GET without it. */
  form?: URLSearchParams
}

/** A JSON body's value; undefined when it is not JSON. */
function jsonBody(bytes: Buffer): unknown {
  return parseJson(bytes.toString('utf8'))?.value
}

/** The registry's own words for a failed request (its error codes, distribution spec), printable, else the status. */
function registryMessage(response: HttpAnswer): string {
  const body = jsonBody(response.body) as null | {errors?: {code?: unknown; message?: unknown}[]}
  const words = Array.isArray(body?.errors)
    ? body.errors.map((error) => (typeof error?.message === 'string' ? error.message : String(error?.code))).join('; ')
    : ''
  return `HTTP ${response.status}${words ? `: ${printable(words)}` : ''}`
}

/**
 * A signal aborted when any source is. (AbortSignal.any's result is held only weakly by its
 * sources in Node 20 and can be collected while a request still waits on it.)
 */
export function linkedSignal(sources: AbortSignal[]): {signal: AbortSignal; release: () => void} {
  const controller = new AbortController()
  const abort = () => controller.abort()
  for (const source of sources) {
    if (source.aborted) abort()
    else source.addEventListener('abort', abort, {once: true})
  }

  return {
    release: () => sources.forEach((source) => source.removeEventListener('abort', abort)),
    signal: controller.signal,
  }
}
