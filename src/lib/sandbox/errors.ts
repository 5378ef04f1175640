import {OccError} from '../errors.js'
import {shortDigest} from '../ui/bytes-time-digest.js'
import {CONTAINER_NAME} from './spec.js'

/** The sandbox exited, stayed unhealthy, or ran out of time; `logTail` is its last output. */
export class SandboxNotReadyError extends OccError {
  constructor(problem: string, logTail: string[], suggestion: string) {
    const tail =
      logTail.length > 0 ? `\nLast lines of its output:\n${logTail.map((line) => `  | ${line}`).join('\n')}` : ''
    super('notReady', 'sandbox_not_ready', `The sandbox did not become ready: ${problem}.${tail}`, {
      details: {logTail},
      suggestion,
    })
  }
}

/** The differences between the running sandbox and config.json, as the error and the recreate question list them. */
export function differencesText(differences: string[]): string {
  return (
    'The sandbox runs with another configuration than config.json says:\n' +
    differences.map((line) => `  - ${line}`).join('\n')
  )
}

export const sandboxErrors = {
  missing: () =>
    new OccError('state', 'sandbox_missing', `There is no sandbox container (${CONTAINER_NAME}) on this engine.`, {
      suggestion: 'Run "occ start" to create it.',
    }),
  rolledBack: (cause: SandboxNotReadyError) =>
    new OccError(
      'notReady',
      'sandbox_update_rolled_back',
      `${cause.message}\nRolled back: the previous image is current again and the sandbox runs on it as before.`,
      {
        cause,
        details: cause.details,
        suggestion:
          'Look at the output above; "occ image update" tries again, "occ logs" shows what the sandbox prints now.',
      },
    ),
  changed: (differences: string[]) =>
    new OccError('conflict', 'sandbox_spec_changed', differencesText(differences), {
      details: {differences},
      suggestion:
        'Run "occ start --yes" to recreate it with the new configuration (volumes and mounts are kept), ' +
        'or change config.json back.',
    }),
  imageVanished: () =>
    new OccError(
      'state',
      'image_vanished',
      'The sandbox image disappeared from the engine while occ was starting the sandbox.',
      {suggestion: 'Run "occ start" again.'},
    ),
  /** `current` is the image tagged current; `recorded` the record's, absent when it is no longer on the engine. */
  imageNotRecorded: (tag: string, current: string, recorded: string | undefined) =>
    new OccError(
      'state',
      'image_not_recorded',
      `${tag} is ${shortDigest(current)}, not the image occ recorded ` +
        `(${recorded === undefined ? 'no longer on the engine' : shortDigest(recorded)}); ` +
        'occ starts the sandbox only from the image it recorded.',
      {suggestion: 'Run "occ image state" to see the record, then "occ image pull" to make them agree.'},
    ),
  invalidSince: (text: string) =>
    new OccError('usage', 'invalid_since', `--since ${text} is not a time occ understands.`, {
      suggestion:
        'Give an RFC 3339 time (2024-05-01T12:00:00Z), Unix seconds (1714564800), ' +
        'or a duration before now (10m, 1h30m).',
    }),
  exposed: (bindAddress: string) =>
    new OccError(
      'conflict',
      'sandbox_exposed',
      `bind_address ${bindAddress} would open the sandbox to the network, and nobody would need to log in.`,
      {
        suggestion:
          'Add users (occ config set users NAME), set allow_unauthenticated_network to true ' +
          'if the network is yours alone, or use bind_address 127.0.0.1.',
      },
    ),
  missingMount: (entry: string, source: string) =>
    new OccError('conflict', 'sandbox_mount_missing', `The mount "${entry}" names ${source}, which does not exist.`, {
      suggestion: `Create ${source}, or remove the entry from mounts (occ config set mounts …).`,
    }),
  notOurs: (id: string) =>
    new OccError(
      'conflict',
      'sandbox_name_taken',
      `A container named ${CONTAINER_NAME} exists (${id.slice(0, 12)}) that occ did not make; occ never touches it.`,
      {
        suggestion: `Rename or remove it yourself (docker rename ${CONTAINER_NAME} OTHER), then run the command again.`,
      },
    ),
  portInUse: (address: string, port: number, cause?: unknown) =>
    new OccError(
      'conflict',
      'sandbox_port_in_use',
      `Port ${port} on ${address} is already in use, so the sandbox cannot listen there.`,
      {
        cause,
        suggestion:
          `Stop what listens on ${address}:${port}, ` +
          'or choose another port: occ config set opencode_web_port PORT.',
      },
    ),
}
