import {addAbortSignal} from 'node:stream'
import {setTimeout as sleep} from 'node:timers/promises'

import type {Engine} from '../docker/engine.js'

import {toEngineError} from '../docker/errors.js'
import {InterruptedError} from '../errors.js'
import {classifyPullFailure, ImagePullError, isPermanent, PullFailure, type RepositoryFailure, toPullFailure} from './errors.js'
import {type PullEvent, readPullEvents} from './pull-events.js'
import {formatReference, type ImageReference, repositoryName} from './reference.js'
import {backoffDelay, type RetryPolicy} from './retry.js'

/** What a pull tells its user along the way; every hook is optional. */
export interface PullReporter {
  attempt?(info: {reference: string; attempt: number; attempts: number}): void
  retry?(info: {reference: string; delayMs: number; message: string; nextAttempt: number}): void
  repositoryFailed?(failure: RepositoryFailure, hasNext: boolean): void
  event?(event: PullEvent): void
}

/** The part of the engine a pull needs (tests stand in for it). */
export type PullingEngine = Pick<Engine, 'endpoint' | 'pull'>

export interface PullOptions {
  signal: AbortSignal
  policy: RetryPolicy
  reporter?: PullReporter
  /** Jitter source; tests pin it. */
  random?: () => number
}

export interface PulledImage {
  reference: ImageReference
  /** Repository digest the registry served (from the stream's "Digest:" line). */
  digest?: string
}

/**
 * One pull through the engine, reading every event: an error event fails the pull even
 * though the stream itself ends cleanly. Aborting `signal` destroys the stream.
 */
export async function pullOnce(engine: PullingEngine, reference: string, signal: AbortSignal, onEvent?: (event: PullEvent) => void): Promise<{digest?: string}> {
  const interrupted = () => new InterruptedError(`the pull of ${reference}`)
  if (signal.aborted) throw interrupted()
  let stream
  try {
    stream = await engine.pull(reference, signal)
  } catch (error) {
    throw signal.aborted ? interrupted() : toPullFailure(error)
  }

  addAbortSignal(signal, stream)
  let digest: string | undefined
  try {
    for await (const event of readPullEvents(stream)) {
      if (event.type === 'error') throw new PullFailure(classifyPullFailure(event.code, event.message), event.message)
      if (event.type === 'digest') digest = event.digest
      onEvent?.(event)
    }
  } catch (error) {
    if (signal.aborted) throw interrupted()
    // A stream that breaks off is the engine connection failing, not the registry.
    throw error instanceof PullFailure ? error : toEngineError(error, engine.endpoint.uri)
  } finally {
    stream.destroy()
  }

  return digest === undefined ? {} : {digest}
}

/**
 * Pulls `tag` from the first repository that serves it. Transient failures are retried
 * with backoff; permanent ones (not found, access denied) move on to the next repository.
 * Engine failures and interrupts end the whole pull at once.
 */
export async function pullFromRepositories(engine: PullingEngine, repositories: ImageReference[], tag: string, options: PullOptions): Promise<PulledImage> {
  const {policy, reporter = {}, signal} = options
  const failures: RepositoryFailure[] = []
  for (const [index, repository] of repositories.entries()) {
    const reference = {...repository, tag}
    const text = formatReference(reference)
    for (let attempt = 1; ; attempt++) {
      reporter.attempt?.({attempt, attempts: policy.attempts, reference: text})
      try {
        const {digest} = await pullOnce(engine, text, signal, reporter.event?.bind(reporter))
        return {reference, ...(digest === undefined ? {} : {digest})}
      } catch (error) {
        if (!(error instanceof PullFailure)) throw error
        if (isPermanent(error.kind) || attempt >= policy.attempts) {
          const failure = {attempts: attempt, kind: error.kind, message: error.message, reference: text, repository: repositoryName(repository)}
          failures.push(failure)
          reporter.repositoryFailed?.(failure, index < repositories.length - 1)
          break
        }

        const delayMs = backoffDelay(attempt + 1, policy.baseMs, options.random)
        reporter.retry?.({delayMs, message: error.message, nextAttempt: attempt + 1, reference: text})
        await sleep(delayMs, undefined, {signal}).catch(() => {
          throw new InterruptedError(`the pull of ${text}`)
        })
      }
    }
  }

  throw new ImagePullError(tag, failures)
}
