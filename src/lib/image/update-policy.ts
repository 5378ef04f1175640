import type {UpdateCheckPolicy} from '../config/types.js'
import type {ImageState, UpdateCheckRecord} from './state.js'
import type {ImageStateStore} from './state-store.js'

import {OccError} from '../errors.js'
import {ImageStateWriteError, recordNotices} from './errors.js'
import {checkImage, type CheckImageOptions, type UpdateCheckReport} from './check.js'
import {composeRecord} from './history.js'
import {CLI_VERSION} from './sandbox.js'

/**
 * Automatic checks (inside image:state and image:pull) get this long in all, then give up:
 * a reading command must not wait on the network.
 */
export const AUTOMATIC_CHECK_BUDGET_MS = 1500
/** An explicit image:check or image:update waits longer, but not forever, for the registries. */
export const EXPLICIT_CHECK_BUDGET_MS = 20_000

/**
 * Whether `update_check` asks for an automatic check now: always; once per CLI version (a check
 * that could not ask the registries, `unknown`, is no check); never.
 */
export function isCheckDue(
  policy: UpdateCheckPolicy,
  last: UpdateCheckRecord | undefined,
  cliVersion: string = CLI_VERSION,
): boolean {
  switch (policy) {
    case 'always': {
      return true
    }

    case 'once': {
      return last?.cli_version !== cliVersion || last.result === 'unknown'
    }

    case 'never': {
      return false
    }
  }
}

export function checkRecord(report: UpdateCheckReport, cliVersion: string = CLI_VERSION): UpdateCheckRecord {
  return {checked_at: report.checked_at, cli_version: cliVersion, result: report.result}
}

/**
 * What a pull of `tag` says as an update check: pulling the wanted tag just fetched what a
 * check would compare with, so it is up to date without another request.
 */
export function checkRecordOfPull(
  tag: string,
  wantedTag: string,
  policy: UpdateCheckPolicy,
  now: Date = new Date(),
): UpdateCheckRecord | undefined {
  if (tag !== wantedTag || policy === 'never') return undefined
  return {checked_at: now.toISOString(), cli_version: CLI_VERSION, result: 'up-to-date'}
}

/**
 * Remembers a check in the record of the image it compared, when the lock is free at once:
 * a check never waits behind another occ acquiring an image. Returns the record written.
 */
export async function rememberCheck(
  store: ImageStateStore,
  checked: ImageState,
  report: UpdateCheckReport,
  signal: AbortSignal,
): Promise<ImageState | undefined> {
  try {
    return await store.transaction(
      async (transaction) => {
        const record = await transaction.read()
        if (!record || record.image_id !== checked.image_id) return undefined
        const updated = composeRecord(record, checkRecord(report), record.previous)
        return transaction.write(updated)
      },
      {pollMs: 50, signal, timeoutMs: 200},
    )
  } catch (error) {
    // Busy: another occ is changing the image; this check's answer is stale for it anyway.
    if (error instanceof OccError && error.kind === 'busy') return undefined
    // A read-only or full data dir: the check still answers, it is only not remembered.
    if (!(error instanceof ImageStateWriteError)) throw error
    store.warn(recordNotices.checkNotSaved(store.file, error.problem.reason))
    return undefined
  }
}

export interface AutomaticCheckOptions extends Omit<CheckImageOptions, 'deadlineMs' | 'record'> {
  policy: UpdateCheckPolicy
  store: ImageStateStore
  /** The record to check; no record, no automatic check. */
  record: ImageState | undefined
}

/**
 * The check image:state and image:pull make on their own, when `update_check` says it is
 * due: bounded by AUTOMATIC_CHECK_BUDGET_MS and remembered in the record for `once`.
 */
export async function automaticUpdateCheck(
  options: AutomaticCheckOptions,
): Promise<{report: UpdateCheckReport; record?: ImageState} | undefined> {
  const {record} = options
  if (!record || !isCheckDue(options.policy, record.last_update_check)) return undefined
  const report = await checkImage({...options, deadlineMs: AUTOMATIC_CHECK_BUDGET_MS, record})
  const remembered = await rememberCheck(options.store, record, report, options.signal)
  return {report, ...(remembered === undefined ? {} : {record: remembered})}
}
