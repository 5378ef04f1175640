import type {ImageSource} from '../config/types.js'
import {isRecord} from '../json.js'

import {isDigest, isRegistryHost, parseImageReference} from './reference.js'

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

function isTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value))
}

function isReference(value: string): boolean {
  try {
    parseImageReference(value)
    return true
  } catch {
    return false
  }
}

type OptionalKey = 'cli_version' | 'digest' | 'engine' | 'image' | 'image_id'

/** Each optional field of a record, with what a valid value is (in words, for the "invalid" warning). */
const OPTIONAL_FIELDS: ReadonlyArray<readonly [OptionalKey, string, (value: string) => boolean]> = [
  ['image', 'an image reference', isReference],
  ['image_id', 'an image id such as sha256:…', isDigest],
  ['digest', 'a digest such as sha256:…', isDigest],
  ['cli_version', 'a version', (value) => value.trim() !== ''],
  ['engine', 'an engine address', (value) => value.trim() !== ''],
]

/** Why a stored record cannot be used. */
export class InvalidRecord {
  constructor(readonly problem: string) {}
}

function parseUpdateCheck(value: unknown): UpdateCheckRecord | undefined {
  if (!isRecord(value)) return undefined
  const {checked_at: checkedAt, cli_version: cliVersion, result} = value
  if (!isTime(checkedAt) || typeof cliVersion !== 'string' || !isCheckResult(result)) return undefined
  return {checked_at: checkedAt, cli_version: cliVersion, result}
}

/** One generation's fields; `previous` is not looked into here, so no file can make this recurse. */
function parseFields(value: unknown, generation?: 'previous'): ImageState | InvalidRecord {
  if (!isRecord(value)) return new InvalidRecord(`${generation ?? 'the file'} is not an object`)
  const {acquired_at: acquiredAt, registry, source, version} = value
  const invalid = (field: string, expected: string) =>
    new InvalidRecord(`${generation ? `${generation}.` : ''}${field} is not ${expected}`)
  if (typeof version !== 'string' || version.trim() === '') return invalid('version', 'a version')
  if (source !== 'prebuilt' && source !== 'build') return invalid('source', '"prebuilt" or "build"')
  if (!isTime(acquiredAt)) return invalid('acquired_at', 'a time (ISO 8601)')
  if (registry !== undefined && registry !== null && !(typeof registry === 'string' && isRegistryHost(registry)))
    return invalid('registry', 'a registry host')
  const state: ImageState = {
    acquired_at: acquiredAt,
    source,
    version,
    ...(typeof registry === 'string' ? {registry} : {}),
  }
  for (const [key, expected, valid] of OPTIONAL_FIELDS) {
    const field = value[key]
    if (field === undefined || field === null) continue
    if (typeof field !== 'string' || !valid(field)) return invalid(key, expected)
    state[key] = field
  }

  // An unreadable check result only means the next check is due: it does not spoil the record.
  const lastCheck = parseUpdateCheck(value.last_update_check)
  if (lastCheck) state.last_update_check = lastCheck
  return state
}

/**
 * The record in a decoded file, or InvalidRecord saying which field is wrong. Accepts the
 * original tool's file (four fields, `registry: null` for builds); drops unknown keys. Keeps two
 * generations, the current image's and the `previous` one (the rollback target): a previous
 * record's own `previous` is dropped unread.
 */
export function parseImageState(value: unknown): ImageState | InvalidRecord {
  const state = parseFields(value)
  if (state instanceof InvalidRecord) return state
  const {previous} = value as Record<string, unknown>
  if (previous === undefined || previous === null) return state
  const kept = parseFields(previous, 'previous')
  if (kept instanceof InvalidRecord) return kept
  return {...state, previous: kept}
}
