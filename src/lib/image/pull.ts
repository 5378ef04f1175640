import {addAbortSignal} from 'node:stream'

import type {Engine} from '../docker/engine.js'

import {credentialServerAddress} from '../docker/credentials/server-address.js'
import {toEngineError} from '../docker/errors.js'
import {InterruptedError, messageOf} from '../errors.js'
import {
  classifyPullFailure,
  ImagePullError,
  isPermanent,
  PullFailure,
  type RepositoryFailure,
  toPullFailure,
} from './errors.js'
import {type PullEvent, readPullEvents} from './pull-events.js'
import {formatReference, type ImageReference, parseImageReference, repositoryName} from './reference.js'
import {authenticationFailed, type CredentialsProvider, type RegistryCredentials} from './registry-auth.js'
import {linkedSignal} from './registry-client.js'
import {DEFAULT_STALL_MS, type RetryPolicy, withRetries} from './retry.js'

/** What a pull tells its user along the way; every hook is optional. */
export interface PullReporter {
  attempt?(info: {reference: string; attempt: number; attempts: number}): void
  retry?(info: {reference: string; delayMs: number; message: string; nextAttempt: number}): void
  repositoryFailed?(failure: RepositoryFailure, hasNext: boolean): void
  event?(event: PullEvent): void
}

/** The part of the engine a pull needs (tests stand in for it). */
export type PullingEngine = Pick<Engine, 'label' | 'pull'>

export interface PullOptions {
  signal: AbortSignal
  policy: RetryPolicy
  reporter?: PullReporter
  /** Jitter source; tests pin it. */
  random?: () => number
  /** The user's registry credentials; each registry gets only its own. */
  credentials?: CredentialsProvider
}

/** How one pull of one reference runs (`pullOnce`, `pullAuthenticated`). */
export interface SinglePullOptions {
  signal: AbortSignal
  onEvent?: (event: PullEvent) => void
  /** A pull that sends no event for this long is abandoned. */
  stallMs?: number
}

export interface PulledImage {
  reference: ImageReference
  /** Repository digest the registry served (from the stream's "Digest:" line). */
  digest?: string
}

/**
 * One pull through the engine, reading every event: an error event fails the pull even
 * though the stream itself ends cleanly. Aborting `signal` destroys the stream. A pull that
 * sends no event for `stallMs` is abandoned (the engine may keep a stalled download alive
 * for ever).
 */
export async function pullOnce(
  engine: PullingEngine,
  reference: string,
  options: SinglePullOptions & {credentials?: Parameters<PullingEngine['pull']>[2]},
): Promise<{digest?: string}> {
  const {credentials, onEvent, signal, stallMs = DEFAULT_STALL_MS} = options
  const interrupted = () => new InterruptedError(`the pull of ${reference}`)
  if (signal.aborted) throw interrupted()
  const watchdog = new AbortController()
  const stalled = () =>
    new PullFailure('stalled', `no progress for ${stallMs / 1000} s from ${parseImageReference(reference).registry}`)
  let timer: NodeJS.Timeout | undefined
  const rearm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => watchdog.abort(), stallMs)
  }

  const request = linkedSignal([signal, watchdog.signal])
  rearm()
  let stream
  try {
    try {
      const parsed = parseImageReference(reference)
      stream = await engine.pull(
        {repository: repositoryName(parsed), tag: parsed.digest ?? parsed.tag},
        request.signal,
        credentials,
      )
    } catch (error) {
      throw signal.aborted ? interrupted() : watchdog.signal.aborted ? stalled() : toPullFailure(error)
    }

    addAbortSignal(request.signal, stream)
    let digest: string | undefined
    try {
      for await (const event of readPullEvents(stream)) {
        rearm()
        if (event.type === 'error') throw new PullFailure(classifyPullFailure(event.code, event.message), event.message)
        if (event.type === 'digest') digest = event.digest
        onEvent?.(event)
      }
    } catch (error) {
      if (signal.aborted) throw interrupted()
      if (watchdog.signal.aborted) throw stalled()
      // A stream that breaks off is the engine connection failing, not the registry.
      throw error instanceof PullFailure ? error : toEngineError(error, engine.label)
    }

    return digest === undefined ? {} : {digest}
  } finally {
    clearTimeout(timer)
    request.release()
    stream?.destroy()
  }
}

/**
 * One pull with the registry's credentials, if the user has any. Refused credentials are
 * tried once more without them (stale credentials for a public image); when that fails
 * too, the pull fails with "authentication failed for <registry>".
 */
export async function pullAuthenticated(
  engine: PullingEngine,
  reference: ImageReference,
  options: SinglePullOptions & {credentials?: RegistryCredentials},
): Promise<{digest?: string}> {
  const {credentials, ...anonymous} = options
  const text = formatReference(reference)
  if (credentials === undefined) return pullOnce(engine, text, anonymous)
  try {
    return await pullOnce(engine, text, {
      ...anonymous,
      credentials: {...credentials, serverAddress: credentialServerAddress(reference.registry)},
    })
  } catch (error) {
    if (!(error instanceof PullFailure && error.kind === 'auth')) throw error
    try {
      return await pullOnce(engine, text, anonymous)
    } catch (anonymousError) {
      if (anonymousError instanceof PullFailure)
        throw authenticationFailed(reference.registry, credentials, error.message)
      throw anonymousError
    }
  }
}

/**
 * Pulls `tag` from the first repository that serves it. Transient failures are retried
 * with backoff; permanent ones (not found, access denied) move on to the next repository.
 * Engine failures and interrupts end the whole pull at once.
 */
export async function pullFromRepositories(
  engine: PullingEngine,
  repositories: ImageReference[],
  tag: string,
  options: PullOptions,
): Promise<PulledImage> {
  const {policy, reporter = {}, signal} = options
  const failures: RepositoryFailure[] = []
  for (const [index, repository] of repositories.entries()) {
    const reference = {...repository, tag}
    const text = formatReference(reference)
    let attempts = 0
    try {
      const credentials = await options.credentials?.(repository.registry)
      const {digest} = await withRetries(
        async (attempt) => {
          attempts = attempt
          reporter.attempt?.({attempt, attempts: policy.attempts, reference: text})
          return pullAuthenticated(engine, reference, {
            credentials,
            onEvent: reporter.event?.bind(reporter),
            signal,
            stallMs: policy.stallMs,
          })
        },
        {
          interrupted: () => new InterruptedError(`the pull of ${text}`),
          judge: (error) => ({retry: error instanceof PullFailure && !isPermanent(error.kind)}),
          onRetry: ({delayMs, error, nextAttempt}) =>
            reporter.retry?.({delayMs, message: messageOf(error), nextAttempt, reference: text}),
          policy,
          random: options.random,
          signal,
        },
      )
      return {reference, ...(digest === undefined ? {} : {digest})}
    } catch (error) {
      if (!(error instanceof PullFailure)) throw error
      const failure = {
        attempts,
        kind: error.kind,
        message: error.message,
        reference: text,
        repository: repositoryName(repository),
      }
      failures.push(failure)
      reporter.repositoryFailed?.(failure, index < repositories.length - 1)
    }
  }

  throw new ImagePullError(tag, failures)
}
