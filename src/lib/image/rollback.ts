import type {Engine} from '../docker/engine.js'
import type {LockWaitOptions} from '../lock.js'
import type {ImageState} from './state.js'
import type {ImageStateStore} from './state-store.js'

import {OccError} from '../errors.js'
import {recordAfterRollback} from './history.js'
import {LOCAL_IMAGE_NAME, localReference} from './sandbox.js'

export class NothingToRollBackError extends OccError {
  constructor(endpoint: string, problem: string) {
    super('state', 'no_previous_image', `Nothing to roll back to: ${problem} on the engine at ${endpoint}.`, {
      suggestion:
        `occ keeps the replaced image as ${localReference('previous')} ` +
        'when a pull, build or update replaces the current one; ' +
        'run "occ image update" (or "occ image pull --tag TAG") first.',
    })
  }
}

/** The part of the engine a rollback needs. */
export type RollbackEngine = Pick<Engine, 'inspectImage' | 'label' | 'ping' | 'tag'>

export interface RollbackResult {
  record: ImageState
  /** Id of the image that is `current` now (it was `previous`). */
  current_image_id: string
  /** Id of the image that is `previous` now (it was `current`). */
  previous_image_id: string
}

/** Swaps `current` and `previous` and rewrites the record to describe the image now current. */
export async function rollbackImage(
  options: LockWaitOptions & {engine: RollbackEngine; store: ImageStateStore; now?: () => Date},
): Promise<RollbackResult> {
  const {engine, store} = options
  await engine.ping()
  return store.transaction(async (transaction) => {
    const current = await engine.inspectImage(localReference('current'))
    const previous = await engine.inspectImage(localReference('previous'))
    if (!previous) throw new NothingToRollBackError(engine.label, `${localReference('previous')} does not exist`)
    if (!current) throw new NothingToRollBackError(engine.label, `${localReference('current')} does not exist`)
    if (current.Id === previous.Id)
      throw new NothingToRollBackError(engine.label, `${localReference('previous')} is the current image`)
    const before = await transaction.read()
    const record = recordAfterRollback(before, current, previous, options.now?.() ?? new Date())
    const swapTags = async () => {
      await engine.tag(previous.Id, LOCAL_IMAGE_NAME, 'current')
      try {
        await engine.tag(current.Id, LOCAL_IMAGE_NAME, 'previous')
      } catch (error) {
        // Put `current` back so the engine and the unchanged record still agree; the first error is the one to report.
        await engine.tag(current.Id, LOCAL_IMAGE_NAME, 'current').catch(() => undefined)
        throw error
      }
    }

    // The tags swap once the new record is on disk and before it replaces the old one:
    // a full or read-only disk changes neither.
    const written = await transaction.write(record, {beforeReplace: swapTags})
    return {current_image_id: previous.Id, previous_image_id: current.Id, record: written}
  }, options)
}
