import type {Engine} from '../docker/engine.js'

import {LOCAL_IMAGE_NAME, localReference} from './sandbox.js'

/**
 * Makes `imageId` the local `current` image; the image it replaces keeps `previous` (for
 * rollback). Nothing moves when it already is current. Returns the replaced image's id.
 */
export async function promoteToCurrent(engine: Engine, imageId: string): Promise<{replacedId?: string}> {
  const current = await engine.inspectImage(localReference('current'))
  if (current?.Id === imageId) return {}
  if (current) await engine.tag(current.Id, LOCAL_IMAGE_NAME, 'previous')
  await engine.tag(imageId, LOCAL_IMAGE_NAME, 'current')
  return current ? {replacedId: current.Id} : {}
}
