import {dirname} from 'node:path'

import {EngineRequestError} from '../docker/errors.js'
import {OccError, type SurroundingsProblem} from '../errors.js'

/**
 * Why one repository could not serve a pull: only 'unavailable' is worth retrying there; a
 * 'stalled' transfer (no progress for a while) moves on at once, as the engine may still hold it.
 */
export type PullFailureKind = 'auth' | 'not-found' | 'stalled' | 'unavailable'

export interface RepositoryFailure {
  repository: string
  reference: string
  kind: PullFailureKind
  /** The engine's or registry's own words. */
  message: string
  attempts: number
}

/** A failure the registry reported while the engine pulled (an HTTP error or an error event). */
export class PullFailure extends Error {
  readonly kind: PullFailureKind

  constructor(kind: PullFailureKind, message: string) {
    super(message)
    this.name = 'PullFailure'
    this.kind = kind
  }
}

// Registry error codes (distribution spec) as the engine relays them: "unauthorized: …",
// "denied: …". The engine answers 500 for these, so the code in the text is all there is.
const AUTH_CODES = /\b(?:unauthorized|denied):|no basic auth credentials|pull access denied/i
const NOT_FOUND_CODES = /\b(?:manifest unknown|name unknown)\b/i

/** Classifies what the engine said about a pull, by HTTP status first and registry error code next. */
export function classifyPullFailure(statusCode: number | undefined, message: string): PullFailureKind {
  if (statusCode === 401 || statusCode === 403 || AUTH_CODES.test(message)) return 'auth'
  if (statusCode === 404 || NOT_FOUND_CODES.test(message)) return 'not-found'
  return 'unavailable'
}

/** An engine answer to a pull request as a PullFailure; other errors pass through. */
export function toPullFailure(error: unknown): unknown {
  if (error instanceof EngineRequestError)
    return new PullFailure(classifyPullFailure(error.statusCode, error.engineMessage), error.engineMessage)
  return error
}

/**
 * Why a build step failed as far as its own words tell: it could not reach the network,
 * or anything else (the Dockerfile or its context).
 */
export type BuildFailureKind = 'dockerfile' | 'network'

// A step's output is free text, so words are all there is: resolvers, apt, curl, wget (busybox's
// "bad address") and the engine's pull of a base image, saying a host or network was out of reach.
const NETWORK_WORDS = [
  /temporary failure (?:in name resolution|resolving)|could not resolve|no such host/i,
  /network is unreachable|failed to fetch|bad address '/i,
]

/** Whether a line of a failing step's output (or the engine's error) says a host or the network was unreachable. */
export function saysNetworkFailed(line: string): boolean {
  return NETWORK_WORDS.some((words) => words.test(line))
}

export function isPermanent(kind: PullFailureKind): boolean {
  return kind !== 'unavailable'
}

/** A failure kind in a user's words. */
export const PULL_FAILURE_WORDS: Record<PullFailureKind, string> = {
  auth: 'access denied',
  'not-found': 'tag not found',
  stalled: 'transfer stalled',
  unavailable: 'registry unavailable',
}

function describeFailure(failure: RepositoryFailure): string {
  const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : ''
  return `  - ${failure.repository}: ${PULL_FAILURE_WORDS[failure.kind]}${tries} (${failure.message})`
}

const SUGGESTION_START = {
  auth: 'Check your registry credentials ("docker login HOST")',
  notFound: 'Check the tag',
  registry: 'Check your network',
} as const

/**
 * What the failures of every repository add up to:
 * the tag is nowhere, a registry could not answer, or access was refused.
 */
export function outcomeOfFailures(failures: RepositoryFailure[]): 'auth' | 'notFound' | 'registry' {
  const kinds = new Set(failures.map((failure) => failure.kind))
  if (kinds.size === 1 && kinds.has('not-found')) return 'notFound'
  return kinds.has('unavailable') || kinds.has('stalled') ? 'registry' : 'auth'
}

/** Every repository failed (a pull, or an explicit check); lists each one and what went wrong there. */
export class ImagePullError extends OccError {
  readonly failures: RepositoryFailure[]

  constructor(tag: string, failures: RepositoryFailure[], action: 'check' | 'pull' = 'pull') {
    const kind = outcomeOfFailures(failures)
    const nowhere = kind === 'notFound'
    const headline = nowhere
      ? `The sandbox image tag "${tag}" exists in none of the configured repositories:`
      : `Could not ${action} the sandbox image tag "${tag}" ` +
        `${action === 'pull' ? 'from' : 'in'} any configured repository:`
    super(
      kind,
      nowhere ? 'image_not_found' : kind === 'auth' ? 'registry_access_denied' : 'registry_unavailable',
      [headline, ...failures.map(describeFailure)].join('\n'),
      {
        details: {failures, tag},
        suggestion:
          `${SUGGESTION_START[kind]} and image_repositories ("occ config get image_repositories"), ` +
          'or build the image from source with "occ image build".',
      },
    )
    this.failures = failures
  }
}

export class InvalidImageReferenceError extends OccError {
  constructor(text: string, problem: string) {
    super('usage', 'invalid_image_reference', `"${text}" is not a valid image reference: ${problem}.`, {
      suggestion: 'Use a reference such as ghcr.io/prizz/opencode-cloud-sandbox (repositories) or 25.1.3 (tags).',
    })
  }
}

/** image:update --tag picks a prebuilt image, which a build-from-source config does not pull. */
export class TagNeedsPrebuiltError extends OccError {
  constructor(tag: string, wantedVersion: string) {
    super(
      'usage',
      'tag_needs_prebuilt',
      `--tag chooses a prebuilt image, but image_source is build: image update builds ${wantedVersion} from source.`,
      {
        suggestion: `Run "occ image pull --tag ${tag}" to pull that tag, or "occ image update" without --tag to build.`,
      },
    )
  }
}

/** image:clear --remove-image asks first, and nobody can answer. */
export function confirmationRequired(): OccError {
  return new OccError(
    'usage',
    'confirmation_required',
    'image:clear --remove-image removes images from the engine and asks first, but there is no terminal to ask on.',
    {
      suggestion: 'Add --force to remove them without asking.',
    },
  )
}

/** The engine said a pull or build finished, but has no image for it. */
export function imageVanished(what: string): OccError {
  return new OccError('engine', 'image_vanished', `The engine reported ${what} done, but does not have the image.`, {
    suggestion: 'Run the command again.',
  })
}

export class InvalidTagError extends OccError {
  constructor(tag: string) {
    super('usage', 'invalid_tag', `"${tag}" is not a valid image tag.`, {
      suggestion:
        'A tag is up to 128 letters, digits, "_", "." or "-", not starting with "." or "-", e.g. 25.1.3 or latest.',
    })
  }
}

export class ImageStateReadError extends OccError {
  constructor(file: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('state', 'state_unreadable', `Cannot read the image record ${file}: ${reason}`, {
      cause,
      suggestion: 'Check the permissions of the file and its directory.',
    })
  }
}

export class LockCompromisedError extends OccError {
  constructor(file: string) {
    super(
      'busy',
      'lock_compromised',
      `The lock on ${file} was taken over by another occ while this one held it; the record was not written.`,
      {
        suggestion: 'Run the command again.',
      },
    )
  }
}

/** The record (or its lock) cannot be written for a reason of the machine: a full or read-only disk, permissions. */
export class ImageStateWriteError extends OccError {
  constructor(
    file: string,
    readonly problem: SurroundingsProblem,
    cause: unknown,
  ) {
    super(
      'state',
      'state_unwritable',
      `Cannot write the image record ${file}: ${problem.reason} (${problem.code}). ` +
        'The record and the image tags are as they were.',
      {
        cause,
        details: {file, reason: problem.code},
        suggestion: problem.fix(dirname(file)),
      },
    )
  }
}

/** A plugin's hook on an image change failed; the change itself stands. */
export function hookFailedWarning(hook: string, plugin: string, message: string): string {
  return `Warning: the ${hook} hook of the plugin ${plugin} failed: ${message}`
}

/** The texts the record's store tells a user on the side. */
export const recordNotices = {
  movedAside: (file: string, reason: string, aside: string) =>
    `Warning: the image record ${file} ${reason}; moved it to ${aside} and continuing without a record.`,
  notMovedAside: (file: string, reason: string, problem: string) =>
    `Warning: the image record ${file} ${reason}; ignoring it (it could not be moved aside: ${problem}).`,
  otherEngine: (file: string, named: string, engine: string) =>
    `Warning: the image record ${file} describes the engine at ${named}, not ${engine}; ignoring it.`,
  checkNotSaved: (file: string, reason: string) =>
    `Note: the result of the update check was not saved in ${file}: ${reason}.`,
}
