/**
 * The `image-changed` event: fired (as an oclif hook) after every change of the current
 * sandbox image, so that plugins can react — scan the image, notify someone, ...
 */
import type {ImageState} from './state.js'

/** The name plugins register their hook under, in package.json `oclif.hooks`. */
export const IMAGE_CHANGED = 'image-changed'

/** What changed the current image: the command that did it (`update` pulls or builds). */
export type ImageChangeAction = 'build' | 'clear' | 'pull' | 'rollback' | 'update'

/** The payload of the `image-changed` hook (a type alias, so that it fits oclif's Hooks map). */
export type ImageChangedEvent = {
  action: ImageChangeAction
  /** The record now in image-state.json; null after `clear`. */
  record: ImageState | null
  /** The record that described the image current before the change; null when there was none. */
  previous: ImageState | null
}

/**
 * The payload for one change. The records are copies: a hook may keep or change them
 * without touching what occ goes on to print or write.
 */
export function imageChangedEvent(
  action: ImageChangeAction,
  record: ImageState | null | undefined,
  previous: ImageState | null | undefined,
): ImageChangedEvent {
  return {
    action,
    previous: previous ? structuredClone(previous) : null,
    record: record ? structuredClone(record) : null,
  }
}
