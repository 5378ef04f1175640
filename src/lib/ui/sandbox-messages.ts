import type {StartOutcome} from '../core/sandbox.js'
import type {SandboxStatus} from '../core/sandbox-status.js'
import type {StopResult} from '../sandbox/container.js'

import {differencesText} from '../sandbox/errors.js'
import {CONTAINER_NAME} from '../sandbox/spec.js'
import {describeImageState} from './image-messages.js'

/** The words the sandbox commands use; kept in one place so they read alike. */

const ACTION_WORDS: Record<StartOutcome['action'], string> = {
  created: 'Created and started the sandbox',
  recreated: 'Recreated the sandbox with the new configuration (volumes and mounts kept)',
  started: 'Started the sandbox',
  unchanged: 'The sandbox is already running with this configuration',
}

/** What `occ start` did, where the sandbox answers, and which image it runs. */
export function startedLines(outcome: StartOutcome): string[] {
  const image = outcome.record
    ? describeImageState(outcome.record)
    : outcome.image_id.replace(/^sha256:/, '').slice(0, 12)
  return [
    `${ACTION_WORDS[outcome.action]} (${outcome.container_id.slice(0, 12)}).`,
    `Ready at ${outcome.url}`,
    `  image ${image}`,
  ]
}

export function recreateQuestion(differences: string[]): string {
  return `${differencesText(differences)}\nRecreate it (volumes and mounts are kept)?`
}

export const SANDBOX_MOVED =
  'The running sandbox was recreated on the new image and is healthy (volumes and mounts kept).'

const STOP_WORDS: Record<StopResult, string> = {
  missing: `There is no sandbox container (${CONTAINER_NAME}); nothing to stop.`,
  removed: 'Removed the sandbox container; its volumes are kept.',
  stopped: 'Stopped the sandbox.',
  'was-stopped': 'The sandbox was not running.',
}

export function stoppedLine(result: StopResult): string {
  return STOP_WORDS[result]
}

/** `occ status` in lines: state and health, where it answers, its image and whether that is the recorded one. */
export function statusLines(status: SandboxStatus): string[] {
  if (status.state === 'missing') return [`Sandbox: missing (no ${CONTAINER_NAME} container). Run "occ start".`]
  const health = status.health === 'none' ? '' : `, ${status.health}`
  const lines = [
    `Sandbox: ${status.state}${health}${status.uptime_s === null ? '' : `, up ${formatUptime(status.uptime_s)}`}`,
  ]
  if (status.url) lines.push(`  url        ${status.url}`)
  lines.push(
    `  container  ${status.container_id.slice(0, 12)}`,
    `  image      ${status.image_id.replace(/^sha256:/, '').slice(0, 12)}${
      status.runs_recorded_image ? ' (the recorded image)' : ' (not the recorded image: run "occ start" to move to it)'
    }`,
  )
  if (status.record) lines.push(`  record     ${describeImageState(status.record)}`)
  for (const mount of status.mounts) lines.push(`  mount      ${mount}`)
  if (status.last_update_check)
    lines.push(`  checked    ${status.last_update_check.checked_at}: ${status.last_update_check.result}`)
  return lines
}

function formatUptime(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  return `${Math.round(seconds / 3600)} h`
}
