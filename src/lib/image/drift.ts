import type {EngineEndpoint} from '../docker/endpoint.js'
import type {Engine, ImageDetails} from '../docker/engine.js'
import type {ImageState} from './state.js'

import {OccError} from '../errors.js'
import {localReference} from './sandbox.js'

/** How the engine agrees with the record: `ok`, or the way it drifted (`none`: no record to compare). */
export type DriftStatus = 'missing' | 'moved' | 'none' | 'ok' | 'unreachable'

/** The part of the engine finding drift needs. */
export type DriftEngine = Pick<Engine, 'inspectImage'>

/** The engine's drift from the record, as image:state reports it (its `engine` field). */
export interface EngineDrift {
  status: DriftStatus
  /** The engine that was asked, e.g. unix:///var/run/docker.sock. */
  endpoint: string
  /** The docker context that named it, when one did. */
  context?: string
  /** Id `opencode-cloud-sandbox:current` points at (null: no such tag); absent when not asked. */
  current_image_id?: null | string
  /** Why the engine could not be asked. */
  message?: string
}

/**
 * The record's image on the engine, by id, else by reference (records of the original tool have no id), else the
 * current one (a record that names none); undefined when it is gone.
 */
export async function recordedImage(
  record: ImageState,
  engine: DriftEngine,
  current: ImageDetails | undefined,
): Promise<ImageDetails | undefined> {
  const anchor = record.image_id ?? record.image
  return anchor === undefined ? current : engine.inspectImage(anchor)
}

/**
 * Asks the engine whether it still agrees with the record: `missing` when its image is gone,
 * `moved` when `current` no longer points at it, `unreachable` when the engine cannot be asked.
 */
export async function driftOfRecord(
  record: ImageState | undefined,
  target: Pick<EngineEndpoint, 'context' | 'uri'>,
  connect: () => Promise<DriftEngine>,
): Promise<EngineDrift> {
  const endpoint = {endpoint: target.uri, ...(target.context === undefined ? {} : {context: target.context})}
  if (!record) return {...endpoint, status: 'none'}
  try {
    const engine = await connect()
    const current = await engine.inspectImage(localReference('current'))
    const currentId = current?.Id ?? null
    const recorded = await recordedImage(record, engine, current)
    const status = recorded === undefined ? 'missing' : currentId === recorded.Id ? 'ok' : 'moved'
    return {current_image_id: currentId, ...endpoint, status}
  } catch (error) {
    if (error instanceof OccError && error.kind === 'engine')
      return {...endpoint, message: error.message, status: 'unreachable'}
    throw error
  }
}
