import type {Engine} from '../docker/engine.js'

import {LOCAL_IMAGE_NAME, localReference} from './sandbox.js'

/** The part of the engine moving occ's tags needs. */
export type TaggingEngine = Pick<Engine, 'inspectImage' | 'tag'>

/** Making an image the local `current` one, planned before anything moves so the record can be written first. */
export interface Promotion {
  /** Id of the image `current` names now, which will keep `previous`; undefined when nothing is replaced. */
  replacedId?: string
  /** Moves the tags; nothing moves when the image already is current. */
  apply(): Promise<void>
}

/**
 * Plans making `imageId` the local `current` image; the image it replaces keeps `previous` (for
 * rollback). Nothing moves until `apply()`.
 */
export async function planPromotion(engine: TaggingEngine, imageId: string): Promise<Promotion> {
  const current = await engine.inspectImage(localReference('current'))
  if (current?.Id === imageId) return {apply: async () => {}}
  if (!current) return {apply: () => engine.tag(imageId, LOCAL_IMAGE_NAME, 'current')}
  return {
    async apply() {
      await engine.tag(current.Id, LOCAL_IMAGE_NAME, 'previous')
      await engine.tag(imageId, LOCAL_IMAGE_NAME, 'current')
    },
    replacedId: current.Id,
  }
}
