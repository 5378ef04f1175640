import {lstat, readdir, rmdir} from 'node:fs/promises'
import {dirname} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import lockfile from 'proper-lockfile'

import {InterruptedError, LockPathError, LockTimeoutError} from './errors.js'
import {ensurePrivateDir} from './files.js'

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
export async function withFileLock<T>(
  file: string,
  fn: (lock: HeldLock) => Promise<T>,
  options: LockWaitOptions = {},
): Promise<T> {
  const {onWait, pollMs = 200, signal, staleMs = 10_000, timeoutMs = 600_000} = options
  await ensurePrivateDir(dirname(file))
  const held = {compromised: false}
  const lockPath = `${file}.lock`
  const lockOptions = {
    lockfilePath: lockPath,
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
      const {code} = error as NodeJS.ErrnoException
      // proper-lockfile meets a file or a non-empty directory as EEXIST (ELOCKED) or, once "stale", ENOTDIR/ENOTEMPTY.
      if (code !== 'ELOCKED' && code !== 'ENOTDIR' && code !== 'ENOTEMPTY') throw error
      if (await clearedFutureLock(file, lockPath, staleMs)) continue
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

/**
 * Looks at a lock that could not be taken: something that is not occ's lock is an error that names
 * it; a lock whose time is further in the future than `staleMs` (a clock set back, a copied
 * directory) can belong to no live holder, who refreshes it to now, so it is removed. True when removed.
 */
async function clearedFutureLock(file: string, lockPath: string, staleMs: number): Promise<boolean> {
  const found = await lstat(lockPath).catch(() => undefined)
  if (!found) return false
  if (found.isSymbolicLink()) throw new LockPathError(file, lockPath, 'a symbolic link')
  if (!found.isDirectory()) throw new LockPathError(file, lockPath, 'a file')
  // The holder may release it meanwhile: a lock gone is a lock free.
  const entries = await readdir(lockPath).catch(() => [])
  if (entries.length > 0) throw new LockPathError(file, lockPath, 'a directory with files in it')
  if (found.mtimeMs <= Date.now() + staleMs) return false
  await rmdir(lockPath).catch(() => undefined)
  return true
}
