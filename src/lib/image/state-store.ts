import {Low} from 'lowdb'
import {JSONFile} from 'lowdb/node'
import {mkdir, rename, rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import type {EngineEndpoint} from '../docker/endpoint.js'

import {ImageStateReadError, LockCompromisedError} from './errors.js'
import {type HeldLock, type LockWaitOptions, withFileLock} from '../lock.js'
import {imageStateFile} from '../paths.js'
import {type ImageState, parseImageState} from './state.js'

/** Reads and changes the record while holding the cross-process lock. */
export interface ImageStateTransaction {
  read(): Promise<ImageState | undefined>
  /** Atomic: a reader sees the old record or the new one, never half of one. Returns the record as written (with its engine). */
  write(state: ImageState): Promise<ImageState>
  /** Deletes the record; false when there was none. */
  remove(): Promise<boolean>
}

type Loaded = {corrupt: string; state?: undefined} | {corrupt?: undefined; state: ImageState | undefined}

/**
 * image-state.json through lowdb (`new Low(new JSONFile())`: JSONFilePreset switches to
 * memory under NODE_ENV=test). A corrupt file is moved aside, with a warning, and read as
 * no record. With an `engine`, every record written names it, and a record that names
 * another engine is not taken for this one's.
 */
export class ImageStateStore {
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = () => {},
    readonly engine?: string,
  ) {}

  /** The record of the engine at `endpoint`: its own file (see imageStateFile), stamped with its URI. */
  static forEngine(endpoint: EngineEndpoint, warn?: (message: string) => void, env: NodeJS.ProcessEnv = process.env): ImageStateStore {
    return new ImageStateStore(imageStateFile(env, endpoint.uri), warn, endpoint.uri)
  }

  /** The record, without taking the lock (writes are atomic renames). */
  async read(): Promise<ImageState | undefined> {
    const loaded = await this.load()
    if (loaded.corrupt === undefined) return loaded.state
    // Re-read under the lock so that a record written meanwhile is not moved aside.
    return this.transaction((transaction) => transaction.read())
  }

  async transaction<T>(fn: (transaction: ImageStateTransaction) => Promise<T>, options: LockWaitOptions = {}): Promise<T> {
    return withFileLock(this.file, (lock) => fn(this.lockedView(lock)), options)
  }

  private lockedView(lock: HeldLock): ImageStateTransaction {
    return {
      read: async () => {
        const loaded = await this.load()
        if (loaded.corrupt === undefined) return loaded.state
        await this.moveAside(loaded.corrupt)
        return undefined
      },
      remove: async () => {
        this.assertHeld(lock)
        try {
          await rm(this.file)
          return true
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
          throw error
        }
      },
      write: async (state) => {
        this.assertHeld(lock)
        await mkdir(dirname(this.file), {recursive: true})
        const written = this.engine === undefined ? state : {...state, engine: this.engine}
        await new Low<ImageState>(new JSONFile<ImageState>(this.file), written).write()
        return written
      },
    }
  }

  private assertHeld(lock: HeldLock): void {
    if (lock.compromised) throw new LockCompromisedError(this.file)
  }

  private async load(): Promise<Loaded> {
    const db = new Low<unknown>(new JSONFile<unknown>(this.file), null)
    try {
      await db.read()
    } catch (error) {
      if (error instanceof SyntaxError) return {corrupt: 'it is not valid JSON'}
      throw new ImageStateReadError(this.file, error)
    }

    if (db.data === null) return {state: undefined}
    const state = parseImageState(db.data)
    if (!state) return {corrupt: 'it does not hold an image record'}
    if (state.engine !== undefined && this.engine !== undefined && state.engine !== this.engine) {
      this.warn(`Warning: the image record ${this.file} describes the engine at ${state.engine}, not ${this.engine}; ignoring it.`)
      return {state: undefined}
    }

    return {state}
  }

  private async moveAside(reason: string): Promise<void> {
    const aside = `${this.file}.corrupt-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`
    await rename(this.file, aside)
    this.warn(`Warning: the image record ${this.file} was unreadable (${reason}); moved it to ${aside} and continuing without a record.`)
  }
}
