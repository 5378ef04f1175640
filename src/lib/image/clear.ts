import type {Engine} from '../docker/engine.js'
import type {LockWaitOptions} from '../lock.js'
import type {ImageState} from './state.js'
import type {ImageStateStore} from './state-store.js'

import {EngineRequestError} from '../docker/errors.js'
import {parseImageReference, repositoryName} from './reference.js'
import {localReference, type LocalSlot} from './sandbox.js'

export interface ClearedImages {
  /** Names removed: the `current`/`previous` tags and the recorded image's own name. */
  untagged: string[]
  /** Image ids the engine deleted because their last name went. */
  deleted: string[]
  /** The recorded image when it stayed, and why. */
  kept?: {image_id: string; reason: string}
}

export interface ClearResult {
  /** The record that was removed; null when there was none. */
  record: ImageState | null
  images?: ClearedImages
}

/** The part of the engine removing occ's tags and image needs. */
export type ClearingEngine = Pick<Engine, 'inspectImage' | 'removeImage'>

export interface ClearOptions extends LockWaitOptions {
  store: ImageStateStore
  /** Given: also remove occ's tags and the recorded image when nothing else uses it. */
  engine?: ClearingEngine
}

/** Removes the record (idempotent) and, with an engine, occ's tags and image. */
export async function clearImageState(options: ClearOptions): Promise<ClearResult> {
  const {engine, store} = options
  return store.transaction(async (transaction) => {
    const record = (await transaction.read()) ?? null
    // Engine first: when it fails, the record still describes what is there.
    const images = engine ? await removeOccImages(engine, record) : undefined
    await transaction.remove()
    return {record, ...(images ? {images} : {})}
  }, options)
}

async function removeOccImages(engine: ClearingEngine, record: ImageState | null): Promise<ClearedImages> {
  const result: ClearedImages = {deleted: [], untagged: []}
  // The engine lists digest references and deleted layers too; report names and images only.
  const note = (removed: {Deleted?: string; Untagged?: string}[], imageId: string) => {
    for (const entry of removed) {
      if (entry.Untagged && !entry.Untagged.includes('@')) result.untagged.push(entry.Untagged)
      if (entry.Deleted === imageId) result.deleted.push(imageId)
    }
  }

  for (const slot of ['current', 'previous'] satisfies LocalSlot[]) {
    const tagged = await engine.inspectImage(localReference(slot))
    if (tagged) note(await engine.removeImage(localReference(slot)), tagged.Id)
  }

  const imageId = record?.image_id
  const image = imageId === undefined ? undefined : await engine.inspectImage(imageId)
  if (!image || !record) return result
  const pulledAs = record.image === undefined ? undefined : sameName(record.image)
  const others = (image.RepoTags ?? []).filter((name) => name !== '<none>:<none>' && sameName(name) !== pulledAs)
  if (others.length > 0) {
    result.kept = {image_id: image.Id, reason: `also named ${others.join(', ')}`}
    return result
  }

  try {
    note(await engine.removeImage(image.Id), image.Id)
  } catch (error) {
    // 409: a container uses it; the engine keeps it and so does occ.
    if (!(error instanceof EngineRequestError && error.statusCode === 409)) throw error
    result.kept = {image_id: image.Id, reason: error.engineMessage}
  }

  return result
}

/** A name in one spelling: the engine shows Docker Hub names without "docker.io/". */
function sameName(name: string): string {
  const reference = parseImageReference(name)
  return `${repositoryName(reference)}:${reference.tag ?? 'latest'}`
}
