import {setTimeout as sleep} from 'node:timers/promises'

import {milliseconds} from '../duration.js'

/** How hard one repository is tried before the next one gets its turn. */
export interface RetryPolicy {
  /** Attempts per repository, the first included. */
  attempts: number
  /** Delay before the second attempt; it doubles for each further one. */
  baseMs: number
  /** A pull that shows no progress for this long is abandoned (default DEFAULT_STALL_MS). */
  stallMs?: number
}

export const DEFAULT_RETRY: RetryPolicy = {attempts: 3, baseMs: 1000}

/** The engine reports progress every few hundred ms while bytes flow; a minute of silence is a stall. */
export const DEFAULT_STALL_MS = 60_000

/** The longest a registry's Retry-After is waited for; a longer one is cut to this. */
export const RETRY_AFTER_CAP_MS = 10_000

/** The policy with OCC_RETRY_BASE_MS and OCC_STALL_TIMEOUT_MS applied (tests shorten both). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const baseMs = milliseconds(env.OCC_RETRY_BASE_MS)
  const stallMs = milliseconds(env.OCC_STALL_TIMEOUT_MS)
  return {
    ...DEFAULT_RETRY,
    ...(baseMs === undefined ? {} : {baseMs}),
    ...(stallMs === undefined || stallMs === 0 ? {} : {stallMs}),
  }
}

/**
 * Delay before attempt `attempt` (2, 3, …): baseMs·2^(attempt-2), spread ±20 % so that
 * many clients retrying together do not hit the registry in step.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const nominal = baseMs * 2 ** Math.max(0, attempt - 2)
  return Math.round(nominal * (0.8 + 0.4 * random()))
}

/**
 * A Retry-After header (RFC 9110: delay-seconds or an HTTP-date) in milliseconds from `now`;
 * undefined when absent or unreadable, 0 for a date in the past.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = header?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // Every HTTP-date form ends in GMT; Date.parse alone would take "1.5" for a date.
  const date = /GMT$/.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** What one failed attempt says about the next. */
export type AttemptVerdict = {retry: false} | {retry: true; retryAfterMs?: number}

export interface RetryOptions {
  policy: RetryPolicy
  signal: AbortSignal
  /** Whether `error` is worth another attempt, and how long the other side asked to wait. */
  judge(error: unknown): AttemptVerdict
  /** The error to throw when `signal` ends a wait. */
  interrupted(): Error
  /** Told before each wait. */
  onRetry?(info: {error: unknown; delayMs: number; nextAttempt: number}): void
  /** Jitter source; tests pin it. */
  random?: () => number
  /** A time (ms since the epoch) no wait may pass: rather than wait in vain, the last error is thrown at once. */
  until?: number
}

/**
 * Runs `operation` (given the attempt number, from 1) until it succeeds, fails for good, or
 * `policy.attempts` are spent; the last error is thrown. Between attempts it waits the backoff,
 * or what the other side asked for (Retry-After), capped at RETRY_AFTER_CAP_MS.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const {policy, signal} = options
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt)
    } catch (error) {
      const verdict = options.judge(error)
      if (!verdict.retry || attempt >= policy.attempts) throw error
      const delayMs =
        verdict.retryAfterMs === undefined
          ? backoffDelay(attempt + 1, policy.baseMs, options.random)
          : Math.min(verdict.retryAfterMs, RETRY_AFTER_CAP_MS)
      if (options.until !== undefined && Date.now() + delayMs >= options.until) throw error
      options.onRetry?.({delayMs, error, nextAttempt: attempt + 1})
      await sleep(delayMs, undefined, {signal}).catch(() => {
        throw options.interrupted()
      })
    }
  }
}
