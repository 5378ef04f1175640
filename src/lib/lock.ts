import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import lockfile from 'proper-lockfile'

import {InterruptedError, LockTimeoutError} from './errors.js'

export interface LockWaitOptions {
  /** Aborting stops the wait with InterruptedError. */
  signal?: AbortSignal
  /** Called once, when the lock is found held by another process. */
  onWait?: () => void
  /** Give up waiting after this long (default 10 min: another pull may be under way). */
  timeoutMs?: number
  pollMs?: number
  /** A lock not refreshed for this long belongs to a dead process and is taken over. */
  staleMs?: number
}

/** Lets the holder check, before it commits, that nobody took the lock over meanwhile. */
export interface HeldLock {
  readonly compromised: boolean
}

/**
 * Runs `fn` holding the cross-process lock of `file` (a `<file>.lock` directory beside it,
 * refreshed while held, so a killed process leaves a lock that expires after `staleMs`).
 */
export async function withFileLock<T>(file: string, fn: (lock: HeldLock) => Promise<T>, options: LockWaitOptions = {}): Promise<T> {
  const {onWait, pollMs = 200, signal, staleMs = 10_000, timeoutMs = 600_000} = options
  await mkdir(dirname(file), {recursive: true})
  const held = {compromised: false}
  const lockOptions = {
    lockfilePath: `${file}.lock`,
    onCompromised: () => {
      held.compromised = true
    },
    realpath: false,
    retries: 0,
    stale: staleMs,
  }
  const started = Date.now()
  let release: (() => Promise<void>) | undefined
  let waiting = false
  while (!release) {
    if (signal?.aborted) throw new InterruptedError(`waiting for the lock on ${file}`)
    try {
      release = await lockfile.lock(file, lockOptions)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error
      if (!waiting) onWait?.()
      waiting = true
      if (Date.now() - started > timeoutMs) throw new LockTimeoutError(file, Date.now() - started)
      // An abort ends the sleep early; the loop's first line turns it into InterruptedError.
      await sleep(pollMs, undefined, {signal}).catch(() => undefined)
    }
  }

  try {
    return await fn(held)
  } finally {
    // Releasing fails only when the lock was compromised, which the holder already saw.
    await release().catch(() => undefined)
  }
}
