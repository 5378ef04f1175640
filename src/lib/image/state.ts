import type {ImageSource} from '../config/types.js'

/** What an update check can conclude (see check.ts). */
export const CHECK_RESULTS = ['up-to-date', 'update-available', 'not-published', 'built-locally', 'unknown'] as const
export type CheckResult = (typeof CHECK_RESULTS)[number]

/** The outcome of the last update check, remembered for `update_check: once`. */
export interface UpdateCheckRecord {
  checked_at: string
  cli_version: string
  result: CheckResult
}

function isCheckResult(value: unknown): value is CheckResult {
  return CHECK_RESULTS.some((result) => result === value)
}

/**
 * The provenance record in image-state.json (DESIGN §4.2). The first four fields are the
 * original tool's and keep their names and meaning; the rest are additions it ignores.
 */
export interface ImageState {
  /** The image's version (from its label), not the CLI's. */
  version: string
  source: ImageSource
  /** Registry host it was pulled from; absent for a build. */
  registry?: string
  /** ISO 8601, UTC. */
  acquired_at: string
  /** The reference pulled (or tagged by a build). */
  image?: string
  /** Engine image id: the anchor for drift detection. */
  image_id?: string
  /** Repository digest of a pulled image. */
  digest?: string
  /** The occ that acquired it. */
  cli_version?: string
  /** The engine the record describes (its endpoint URI); the original tool's file has none. */
  engine?: string
  last_update_check?: UpdateCheckRecord
  /** The record of the image kept as `previous`, so a rollback restores its provenance. */
  previous?: ImageState
}

const OPTIONAL_STRINGS = ['image', 'image_id', 'digest', 'cli_version', 'engine'] as const

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function parseUpdateCheck(value: unknown): UpdateCheckRecord | undefined {
  if (!isObject(value)) return undefined
  const {checked_at: checkedAt, cli_version: cliVersion, result} = value
  if (typeof checkedAt !== 'string' || typeof cliVersion !== 'string' || !isCheckResult(result)) return undefined
  return {checked_at: checkedAt, cli_version: cliVersion, result}
}

/**
 * The record in a decoded file, or undefined when the content is not one. Accepts the
 * original tool's file (four fields, `registry: null` for builds); drops unknown keys.
 */
export function parseImageState(value: unknown): ImageState | undefined {
  if (!isObject(value)) return undefined
  const {acquired_at: acquiredAt, registry, source, version} = value
  if (typeof version !== 'string' || typeof acquiredAt !== 'string') return undefined
  if (source !== 'prebuilt' && source !== 'build') return undefined
  if (registry !== undefined && registry !== null && typeof registry !== 'string') return undefined
  const state: ImageState = {acquired_at: acquiredAt, source, version, ...(typeof registry === 'string' ? {registry} : {})}
  for (const key of OPTIONAL_STRINGS) {
    const field = value[key]
    if (field === undefined || field === null) continue
    if (typeof field !== 'string') return undefined
    state[key] = field
  }

  const lastCheck = parseUpdateCheck(value.last_update_check)
  if (lastCheck) state.last_update_check = lastCheck
  // One level only: a previous record keeps no history of its own.
  const previous = parseImageState(value.previous)
  if (previous) {
    delete previous.previous
    state.previous = previous
  }

  return state
}
