import type {ImageDetails} from '../docker/engine.js'
import type {ImageState, UpdateCheckRecord} from './state.js'

import {parseImageReference} from './reference.js'
import {imageVersion, SOURCE_LABEL} from './sandbox.js'

/** What an acquisition (pull or build) learned about the image it made current. */
export type AcquiredImage = Omit<ImageState, 'last_update_check' | 'previous'>

/** A record as kept under `previous`: its own history is not nested further. */
export function asPrevious(record: ImageState): ImageState {
  return composeRecord(record, undefined, undefined)
}

/** The record in the key order of DESIGN §4.2, so the file reads the same whoever wrote it. */
export function composeRecord(
  image: AcquiredImage,
  lastCheck: UpdateCheckRecord | undefined,
  previous: ImageState | undefined,
): ImageState {
  return {
    version: image.version,
    source: image.source,
    ...(image.registry === undefined ? {} : {registry: image.registry}),
    acquired_at: image.acquired_at,
    ...(image.image === undefined ? {} : {image: image.image}),
    ...(image.image_id === undefined ? {} : {image_id: image.image_id}),
    ...(image.digest === undefined ? {} : {digest: image.digest}),
    ...(image.cli_version === undefined ? {} : {cli_version: image.cli_version}),
    ...(image.engine === undefined ? {} : {engine: image.engine}),
    ...(lastCheck === undefined ? {} : {last_update_check: lastCheck}),
    ...(previous === undefined ? {} : {previous: asPrevious(previous)}),
  }
}

/**
 * The record after `acquired` became current. The replaced image's record moves to
 * `previous` (when the record described it); when nothing was replaced, `previous` stays.
 * The last update check carries over: `update_check: once` counts per CLI version.
 */
export function recordAfterAcquire(
  before: ImageState | undefined,
  acquired: AcquiredImage,
  replacedId: string | undefined,
  lastCheck?: UpdateCheckRecord,
): ImageState {
  const previous = replacedId === undefined ? before?.previous : before?.image_id === replacedId ? before : undefined
  return composeRecord(acquired, lastCheck ?? before?.last_update_check, previous)
}

/**
 * What can be said of an image with no record of its own: its labels and the registry it
 * names. Its acquisition time is unknown, so `acquired_at` is when this record was made.
 */
export function recordFromImage(image: ImageDetails, now: Date): AcquiredImage {
  const labels = image.Config?.Labels ?? {}
  const named = image.RepoDigests?.[0]
  const reference = named === undefined ? undefined : parseImageReference(named)
  const built = labels[SOURCE_LABEL] === 'build' || reference === undefined
  return {
    acquired_at: now.toISOString(),
    image_id: image.Id,
    source: built ? 'build' : 'prebuilt',
    version: imageVersion(image) ?? 'unknown',
    ...(built || reference === undefined ? {} : {digest: reference.digest, registry: reference.registry}),
  }
}

/**
 * The record after a rollback swapped `current` (now previous) and `previous` (now current):
 * each side keeps its own record when the old one described that image, else one is made
 * from the image itself.
 */
export function recordAfterRollback(
  before: ImageState | undefined,
  oldCurrent: ImageDetails,
  oldPrevious: ImageDetails,
  now: Date,
): ImageState {
  const describes = (record: ImageState | undefined, image: ImageDetails) =>
    record?.image_id === image.Id ? record : undefined
  const next = describes(before?.previous, oldPrevious) ?? recordFromImage(oldPrevious, now)
  const previous = describes(before, oldCurrent) ?? recordFromImage(oldCurrent, now)
  return composeRecord(next, before?.last_update_check, previous)
}
