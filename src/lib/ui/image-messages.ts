import type {UpdateCheckReport} from '../image/check.js'
import type {ClearResult} from '../image/clear.js'
import type {EngineDrift} from '../image/drift.js'
import type {PullReporter} from '../image/pull.js'
import type {RollbackResult} from '../image/rollback.js'
import type {ImageState} from '../image/state.js'
import type {UpdatePlan} from '../image/update.js'
import type {PullProgress} from './pull-progress.js'

import {describeEndpoint} from '../docker/endpoint.js'
import {PULL_FAILURE_WORDS} from '../image/errors.js'
import {localReference, WANTED_SANDBOX_VERSION} from '../image/sandbox.js'
import {compareVersions} from '../image/versions.js'
import {formatRelativeTime, shortDigest} from './bytes-time-digest.js'

/** The words every image command uses; kept in one place so they read alike. */

function versionLabel(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version
}

/** `v25.1.3 — prebuilt from ghcr.io, acquired 2 hours ago (sha256:abc123…)` */
export function describeImageState(state: ImageState, now: Date = new Date()): string {
  const origin =
    state.source === 'build' ? 'built from source' : `prebuilt from ${state.registry ?? 'an unknown registry'}`
  const acquired = Number.isNaN(Date.parse(state.acquired_at))
    ? `acquired ${state.acquired_at}`
    : `acquired ${formatRelativeTime(new Date(state.acquired_at), now)}`
  const anchor = state.digest ?? state.image_id
  return (
    `${versionLabel(state.version)} — ${origin}, ` +
    `${acquired}${anchor === undefined ? '' : ` (${shortDigest(anchor)})`}`
  )
}

export const NO_RECORD =
  'No sandbox image recorded yet. Run "occ image pull" to get the prebuilt image (or "occ image build" to build it).'

/** One line on how the engine agrees with the record (its drift); warnings start with "Warning:". */
export function describeDrift(drift: EngineDrift): string {
  const engine = describeEndpoint({
    uri: drift.endpoint,
    ...(drift.context === undefined ? {} : {context: drift.context}),
  })
  switch (drift.status) {
    case 'ok': {
      return `Engine ${engine}: ok (${localReference('current')} is this image).`
    }

    case 'missing': {
      return (
        `Warning: the recorded image is no longer on the engine at ${engine}. ` +
        'Run "occ image pull" to get it again.'
      )
    }

    case 'moved': {
      const now = drift.current_image_id ? `another image (${shortDigest(drift.current_image_id)})` : 'no image'
      return (
        `Warning: ${localReference('current')} on ${engine} now points at ${now}, not the recorded one. ` +
        'Run "occ image pull" to make them agree.'
      )
    }

    case 'unreachable': {
      return `Warning: could not check the engine (${drift.message ?? engine}); the record is shown as last written.`
    }

    case 'none': {
      return `Engine ${engine}: nothing recorded to check.`
    }
  }
}

export function pulledSummary(state: ImageState, replacedId: string | undefined): string {
  const lines = [
    `Pulled ${versionLabel(state.version)} from ${state.registry} ` +
      `(${shortDigest(state.digest ?? state.image_id ?? '')}); it is now ${localReference('current')}.`,
  ]
  if (replacedId !== undefined)
    lines.push(`The image it replaced (${shortDigest(replacedId)}) is kept as ${localReference('previous')}.`)
  return lines.join('\n')
}

export function pullingLine(tag: string, reference: string): string {
  return `Pulling sandbox image ${tag} from ${reference.slice(0, reference.lastIndexOf(':'))}`
}

export const PREFERS_BUILD =
  'Note: your config prefers building the image (image_source: build); ' +
  'pulling the prebuilt image because you asked for it.'

export const WAITING_FOR_LOCK = 'Waiting for another occ command that is changing the sandbox image to finish…'

/** Reports a pull's attempts, retries and fallbacks through the progress display. */
export function pullReporter(progress: PullProgress, tag: string): PullReporter {
  return {
    attempt({attempt, reference}) {
      if (attempt === 1) progress.log(pullingLine(tag, reference))
    },
    event(event) {
      progress.event(event)
    },
    repositoryFailed(failure, hasNext) {
      progress.log(
        `${failure.repository}: ${PULL_FAILURE_WORDS[failure.kind]} (${failure.message})` +
          `${hasNext ? '; trying the next repository.' : '.'}`,
      )
    },
    retry({delayMs, message, nextAttempt, reference}) {
      progress.log(`${reference}: ${message}; retrying in ${(delayMs / 1000).toFixed(1)} s (attempt ${nextAttempt}).`)
    },
  }
}

export function clearedSummary(result: ClearResult): string {
  const lines = [
    result.record ? `Removed the image record (${describeImageState(result.record)}).` : 'No image record to remove.',
  ]
  const {images} = result
  if (images) {
    lines.push(images.untagged.length > 0 ? `Untagged: ${images.untagged.join(', ')}.` : 'No occ image tags to remove.')
    if (images.deleted.length > 0)
      lines.push(`Deleted images: ${images.deleted.map((id) => shortDigest(id)).join(', ')}.`)
    if (images.kept) lines.push(`Kept image ${shortDigest(images.kept.image_id)}: ${images.kept.reason}.`)
  }

  return lines.join('\n')
}

export function builtSummary(state: ImageState, replacedId: string | undefined): string {
  const lines = [
    `Built ${versionLabel(state.version)} from source ` +
      `(${shortDigest(state.image_id ?? '')}); it is now ${localReference('current')}.`,
  ]
  if (replacedId !== undefined)
    lines.push(`The image it replaced (${shortDigest(replacedId)}) is kept as ${localReference('previous')}.`)
  return lines.join('\n')
}

export function buildingLine(dockerfile: string, context: string): string {
  return `Building the sandbox image from ${dockerfile} (context ${context})`
}

function remoteLabel(report: UpdateCheckReport): string {
  const {remote} = report
  if (!remote) return report.tag
  return remote.version === undefined
    ? `${shortDigest(remote.platform?.digest ?? remote.digest)}`
    : versionLabel(remote.version)
}

/** How the image a check found compares with the local one by version; undefined when either has none. */
function versionChange(report: UpdateCheckReport): 'newer' | 'older' | 'same' | undefined {
  const [mine, theirs] = [report.local?.version, report.remote?.version]
  const order = mine === undefined || theirs === undefined ? undefined : compareVersions(theirs, mine)
  return order === undefined ? undefined : order > 0 ? 'newer' : order < 0 ? 'older' : 'same'
}

/** The command that gets the checked tag: image:update for the one this occ wants, a pull of that tag for any other. */
function commandFor(tag: string, hasImage: boolean): string {
  if (tag !== WANTED_SANDBOX_VERSION) return `occ image pull --tag ${tag}`
  return hasImage ? 'occ image update' : 'occ image pull'
}

function remoteDigest(report: UpdateCheckReport): string {
  return shortDigest(report.remote?.platform?.digest ?? report.remote?.digest ?? '')
}

/** An explicit check found another image than the local one: newer, older or the same version again. */
function describeChange(report: UpdateCheckReport, local: NonNullable<UpdateCheckReport['local']>): string {
  const reference = report.remote?.reference ?? report.tag
  const yours = local.version === undefined ? '' : ` (you have ${versionLabel(local.version)})`
  const command = commandFor(report.tag, true)
  switch (versionChange(report)) {
    case 'newer': {
      return `Update available: ${reference} now serves ${remoteLabel(report)}${yours}. Run "${command}" to get it.`
    }

    case 'older': {
      return (
        `${reference} serves ${remoteLabel(report)}, older than yours (${versionLabel(local.version ?? '')}). ` +
        `Run "${command}" to switch to it.`
      )
    }

    case 'same': {
      return (
        `Changed: ${reference} now serves another image of ${remoteLabel(report)} ` +
        `than yours (${remoteDigest(report)}). Run "${command}" to get it.`
      )
    }

    case undefined: {
      return (
        `Changed: ${reference} now serves another image (${remoteLabel(report)})${yours}. ` +
        `Run "${command}" to get it.`
      )
    }
  }
}

/** The automatic check's line for another image than the local one. */
function automaticChangeLine(report: UpdateCheckReport): string {
  const from = report.remote?.repository ?? 'the registry'
  const command = commandFor(report.tag, report.local !== null)
  switch (versionChange(report)) {
    case 'newer': {
      return `A newer sandbox image is available (${remoteLabel(report)} from ${from}): run "${command}".`
    }

    case 'older': {
      return (
        `Note: ${from} serves ${remoteLabel(report)} for this occ, ` +
        `older than yours (${versionLabel(report.local?.version ?? '')}); "${command}" would switch to it.`
      )
    }

    case 'same': {
      return (
        `The sandbox image ${remoteLabel(report)} was published again ` +
        `(${remoteDigest(report)} from ${from}): run "${command}" to get it.`
      )
    }

    case undefined: {
      return `Another sandbox image is available (${remoteLabel(report)} from ${from}): run "${command}" to get it.`
    }
  }
}

/** The answer of an explicit image:check, in one line; "newer" only when the version is. */
export function describeCheck(report: UpdateCheckReport): string {
  const {local, remote} = report
  const yours = local?.version === undefined ? '' : ` (you have ${versionLabel(local.version)})`
  const reference = remote?.reference ?? report.tag
  switch (report.result) {
    case 'up-to-date': {
      return `Up to date: ${reference} still serves the current image${yours}.`
    }

    case 'update-available': {
      return local
        ? describeChange(report, local)
        : `${reference} serves ${remoteLabel(report)}; there is no local sandbox image yet. ` +
            `Run "${commandFor(report.tag, false)}" to get it.`
    }

    case 'not-published': {
      return (
        `Not published: ${report.reason ?? `the tag ${report.tag} exists in no configured repository`}. ` +
        'Check image_repositories, or build the image with "occ image build".'
      )
    }

    case 'built-locally': {
      return (
        `Built locally: the current image${yours} was built from source and is not compared with a registry. ` +
        'Run "occ image build" to rebuild it.'
      )
    }

    case 'unknown': {
      return (
        `Unknown: could not ask the registries (${report.reason ?? 'no answer'}). ` +
        'Nothing was changed; try again later.'
      )
    }
  }
}

/** The one line an automatic check prints, only when there is something to act on. */
export function automaticCheckLine(report: UpdateCheckReport): string | undefined {
  switch (report.result) {
    case 'update-available': {
      return automaticChangeLine(report)
    }

    case 'not-published': {
      return (
        `Note: the sandbox image tag ${report.tag} is published in no configured repository; ` +
        '"occ image check" tells more.'
      )
    }

    case 'unknown': {
      return `Note: could not check for a newer sandbox image (${report.reason ?? 'no answer'}).`
    }

    case 'up-to-date':
    case 'built-locally': {
      return undefined
    }
  }
}

/** image:state skips its automatic update check when the config cannot be used, and says why. */
export function checkSkippedLine(problem: string): string {
  return `Note: the automatic update check was skipped: ${problem}`
}

/** image:state's line when the image is not the version this CLI is made for. */
export function versionMismatchLine(version: string, wanted: string): string {
  return (
    `  version   ${versionLabel(version)}, ` +
    `but this occ is made for ${versionLabel(wanted)}: run "occ image update" to get it.`
  )
}

export function updatePlanLine(plan: UpdatePlan): string {
  if (plan.action === 'none') return `Nothing to update: ${plan.reason}.`
  return (
    `Updating by ${plan.action === 'pull' ? 'pulling the prebuilt image' : 'building from source'}: ` +
    `${plan.reason}.`
  )
}

export function rolledBackSummary(result: RollbackResult): string {
  return [
    `Rolled back: ${localReference('current')} is now ${describeImageState(result.record)}.`,
    `The image that was current (${shortDigest(result.previous_image_id)}) is kept as ${localReference('previous')}; ` +
      'run "occ image rollback" again to return to it.',
  ].join('\n')
}

/** image:state in lines: `lines` on stdout, `warning` (the engine disagrees) on stderr. */
export function stateReportLines(report: {state: ImageState | null; engine: EngineDrift; wanted_version: string}): {
  lines: string[]
  warning?: string
} {
  const driftLine = describeDrift(report.engine)
  if (!report.state) return {lines: [NO_RECORD, `  ${driftLine}`]}
  const {state} = report
  const lines = [
    describeImageState(state),
    ...(state.image ? [`  image     ${state.image}`] : []),
    ...(state.image_id ? [`  image id  ${state.image_id}`] : []),
  ]
  if (report.engine.status === 'ok') lines.push(`  ${driftLine}`)
  if (state.version !== report.wanted_version) lines.push(versionMismatchLine(state.version, report.wanted_version))
  return report.engine.status === 'ok' ? {lines} : {lines, warning: driftLine}
}

/** image:clear's answer to a "no" to removeImagesQuestion. */
export const CLEAR_CANCELLED = 'Nothing was changed.'

export function removeImagesQuestion(endpoint: string): string {
  return `Remove ${localReference('current')}, :previous and the recorded image from the engine at ${endpoint}?`
}
