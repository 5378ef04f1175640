import type {Adapter} from 'lowdb'

import {Low} from 'lowdb'
import {readFile, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import type {EngineEndpoint} from '../docker/endpoint.js'

import {surroundingsProblem} from '../errors.js'
import {ensurePrivateDir, writeFileAtomic} from '../files.js'
import {type HeldLock, type LockWaitOptions, withFileLock} from '../lock.js'
import {imageStateFile} from '../image-record-path.js'
import {ImageStateReadError, ImageStateWriteError, LockCompromisedError, recordNotices} from './errors.js'
import {type ImageState, InvalidRecord, parseImageState} from './state.js'

export interface RecordWriteOptions {
  /**
   * Runs once the new record is safely on disk and before it replaces the old one (e.g. moving tags);
   * if it throws, the old record stays.
   */
  beforeReplace?: () => Promise<void>
}

/** Reads and changes the record while holding the cross-process lock. */
export interface ImageStateTransaction {
  read(): Promise<ImageState | undefined>
  /**
   * Atomic: a reader sees the old record or the new one, never half of one.
   * Returns the record as written (with its engine).
   */
  write(state: ImageState, options?: RecordWriteOptions): Promise<ImageState>
  /** Deletes the record; false when there was none. */
  remove(): Promise<boolean>
}

type Loaded = {corrupt: string; state?: undefined} | {corrupt?: undefined; state: ImageState | undefined}

/**
 * lowdb's file adapter, writing through occ's atomic writer (unique exclusive temp file, fsync, 0600, rename)
 * instead of steno's fixed temp name.
 */
class RecordFile<T> implements Adapter<T> {
  constructor(
    private readonly file: string,
    private readonly options: RecordWriteOptions = {},
  ) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`, this.options)
  }
}

/**
 * image-state.json through lowdb (`new Low(adapter)`: JSONFilePreset switches to memory under
 * NODE_ENV=test). A corrupt or invalid file is moved aside, with a warning, and read as no
 * record. With an `engine`, every record written names it, and a record that names another
 * engine is not taken for this one's. A full, read-only or forbidden disk is an
 * ImageStateWriteError (the user's machine, not a bug).
 */
export class ImageStateStore {
  constructor(
    readonly file: string,
    readonly warn: (message: string) => void = () => {},
    readonly engine?: string,
  ) {}

  /** The record of the engine at `endpoint`: its own file (see imageStateFile), stamped with its URI. */
  static forEngine(
    endpoint: EngineEndpoint,
    warn?: (message: string) => void,
    env: NodeJS.ProcessEnv = process.env,
  ): ImageStateStore {
    return new ImageStateStore(imageStateFile(env, endpoint.uri), warn, endpoint.uri)
  }

  /** The record, without taking the lock (writes are atomic renames). */
  async read(): Promise<ImageState | undefined> {
    const loaded = await this.load()
    if (loaded.corrupt === undefined) return loaded.state
    try {
      // Re-read under the lock so that a record written meanwhile is not moved aside.
      return await this.transaction((transaction) => transaction.read())
    } catch (error) {
      // A read-only data dir cannot take the lock nor move the file: reading goes on without the record.
      if (!(error instanceof ImageStateWriteError)) throw error
      this.warn(recordNotices.notMovedAside(this.file, loaded.corrupt, error.message))
      return undefined
    }
  }

  async transaction<T>(
    fn: (transaction: ImageStateTransaction) => Promise<T>,
    options: LockWaitOptions = {},
  ): Promise<T> {
    let locked = false
    try {
      return await withFileLock(
        this.file,
        (lock) => {
          locked = true
          return fn(this.lockedView(lock))
        },
        options,
      )
    } catch (error) {
      // Only taking the lock is classified here: what `fn` throws (engine, registry) is its own.
      throw locked ? error : this.classified(error)
    }
  }

  private lockedView(lock: HeldLock): ImageStateTransaction {
    return {
      read: async () => {
        const loaded = await this.load()
        if (loaded.corrupt === undefined) return loaded.state
        await this.writing(() => this.moveAside(loaded.corrupt))
        return undefined
      },
      remove: async () => {
        this.assertHeld(lock)
        return this.writing(async () => {
          try {
            await rm(this.file)
            return true
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
            throw error
          }
        })
      },
      write: async (state, options) => {
        this.assertHeld(lock)
        const written = this.engine === undefined ? state : {...state, engine: this.engine}
        await this.writing(async () => {
          await ensurePrivateDir(dirname(this.file))
          await new Low<ImageState>(new RecordFile<ImageState>(this.file, options), written).write()
        })
        return written
      },
    }
  }

  /** Runs `work` on the record's files, turning a full, read-only or forbidden disk into an ImageStateWriteError. */
  private async writing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw this.classified(error)
    }
  }

  private classified(error: unknown): unknown {
    const problem = surroundingsProblem(error)
    return problem ? new ImageStateWriteError(this.file, problem, error) : error
  }

  private assertHeld(lock: HeldLock): void {
    if (lock.compromised) throw new LockCompromisedError(this.file)
  }

  private async load(): Promise<Loaded> {
    const db = new Low<unknown>(new RecordFile<unknown>(this.file), null)
    try {
      await db.read()
    } catch (error) {
      if (error instanceof SyntaxError) return {corrupt: 'was unreadable (it is not valid JSON)'}
      throw new ImageStateReadError(this.file, error)
    }

    if (db.data === null) return {state: undefined}
    const state = parseImageState(db.data)
    if (state instanceof InvalidRecord) return {corrupt: `is invalid (${state.problem})`}
    if (state.engine !== undefined && this.engine !== undefined && state.engine !== this.engine) {
      this.warn(recordNotices.otherEngine(this.file, state.engine, this.engine))
      return {state: undefined}
    }

    return {state}
  }

  private async moveAside(reason: string): Promise<void> {
    const aside = `${this.file}.corrupt-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`
    await rename(this.file, aside)
    this.warn(recordNotices.movedAside(this.file, reason, aside))
  }
}
