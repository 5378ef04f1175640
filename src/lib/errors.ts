/**
 * One error class per failure kind a user can cause or meet. Each carries a stable
 * machine code, an exit code from EXIT_CODES and a suggestion that names the fix.
 */

export const EXIT_CODES = {
  ok: {code: 0, meaning: 'success'},
  internal: {code: 1, meaning: 'unexpected internal error (a bug: please report it)'},
  usage: {code: 2, meaning: 'bad arguments, flags, key or value on the command line'},
  config: {code: 3, meaning: 'the config file cannot be read, parsed or validated'},
  engine: {code: 4, meaning: 'the Docker engine cannot be reached'},
  registry: {code: 5, meaning: 'the image could not be fetched from any registry (network, server errors)'},
  notFound: {code: 6, meaning: 'the wanted image tag exists in no configured repository'},
  auth: {code: 7, meaning: 'a registry refused the credentials or denied access'},
  state: {code: 8, meaning: 'the image state does not allow this (e.g. nothing to roll back to)'},
  build: {code: 9, meaning: 'building the image from source failed'},
  busy: {code: 10, meaning: 'another occ holds the lock and did not release it in time'},
  notReady: {
    code: 11,
    meaning:
      'the sandbox did not become ready: it exited, stayed unhealthy or ran out of time (an update was rolled back)',
  },
  conflict: {
    code: 12,
    meaning:
      'the sandbox cannot be made as configured: port in use, a missing mount, an exposed address refused, ' +
      'a container occ did not make holds its name, or changes that need --yes',
  },
  sandboxStarting: {code: 20, meaning: 'occ status -q: the sandbox runs but is not healthy (yet)'},
  sandboxStopped: {code: 21, meaning: 'occ status -q: the sandbox container exists and is stopped'},
  sandboxMissing: {code: 22, meaning: 'occ status -q: there is no sandbox container'},
  unknownCommand: {code: 127, meaning: 'no such command (the message names the closest one)'},
  interrupted: {code: 130, meaning: 'interrupted (Ctrl-C / SIGINT)'},
  terminated: {code: 143, meaning: 'ended by SIGTERM (e.g. a service manager stopping it)'},
} as const

export type ExitKind = keyof typeof EXIT_CODES

export interface ErrorJson {
  code: string
  exitCode: number
  message: string
  suggestion?: string
  details?: unknown
}

export class OccError extends Error {
  readonly kind: ExitKind
  readonly code: string
  readonly suggestion?: string
  readonly details?: unknown

  constructor(
    kind: ExitKind,
    code: string,
    message: string,
    options: {cause?: unknown; details?: unknown; suggestion?: string} = {},
  ) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.kind = kind
    this.code = code
    this.suggestion = options.suggestion
    this.details = options.details
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind].code
  }

  toJSON(): ErrorJson {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      ...(this.suggestion === undefined ? {} : {suggestion: this.suggestion}),
      ...(this.details === undefined ? {} : {details: this.details}),
    }
  }
}

export class InterruptedError extends OccError {
  constructor(what: string) {
    super('interrupted', 'interrupted', `Interrupted: ${what} was stopped before it finished; nothing was changed.`, {
      suggestion: 'Run the command again when you are ready.',
    })
  }
}

export class LockTimeoutError extends OccError {
  constructor(file: string, waitedMs: number) {
    super(
      'busy',
      'lock_timeout',
      `Another occ process has held the lock on ${file} for more than ${Math.round(waitedMs / 1000)} s.`,
      {
        suggestion:
          'Wait for the other occ command to finish, then try again. ' +
          'A lock left by a crashed process expires by itself.',
      },
    )
  }
}

export class UnknownCommandError extends OccError {
  /** `typed` and `closest` as the user types them (`occ confg get`, `occ config get`). */
  constructor(bin: string, typed: string, closest: string | undefined) {
    const help = closest?.includes(' ') ? `${bin} help ${closest.split(' ')[0]}` : `${bin} help`
    super('unknownCommand', 'unknown_command', `"${bin} ${typed}" is not an ${bin} command.`, {
      suggestion:
        closest === undefined
          ? `Run "${help}" for the list of commands.`
          : `Did you mean "${bin} ${closest}"? Run "${help}" for the list of commands.`,
    })
  }
}

/**
 * A lock path occ cannot use: something that is not occ's lock (a file, a link, a non-empty directory)
 * is in its place.
 */
export class LockPathError extends OccError {
  constructor(file: string, lockPath: string, found: string) {
    super('busy', 'lock_blocked', `Cannot lock ${file}: ${lockPath} is ${found}, not a lock occ made.`, {
      details: {file, lock: lockPath},
      suggestion:
        'Make sure no occ command is running, ' +
        `look at ${lockPath} and remove it (rm -r ${lockPath}), then run again.`,
    })
  }
}

/** What a file-system failure caused by the machine (not by occ) means, and how to fix it for `dir`. */
export interface SurroundingsProblem {
  code: string
  reason: string
  fix: (dir: string) => string
}

const SURROUNDINGS: Record<string, Omit<SurroundingsProblem, 'code'>> = {
  ENOSPC: {
    reason: 'no space left on the device',
    fix: (dir) => `Free some space on the file system that holds ${dir} (df -h ${dir}), then run the command again.`,
  },
  EDQUOT: {
    reason: 'your disk quota is used up',
    fix: (dir) =>
      `Free some space within your quota on the file system that holds ${dir} (quota -s), then run the command again.`,
  },
  EROFS: {
    reason: 'the file system is read-only',
    fix: (dir) =>
      `Make ${dir} writable (remount it read-write), ` +
      'or point occ at a writable directory (OCC_DATA_DIR, OCC_CONFIG_DIR).',
  },
  EACCES: {
    reason: 'permission denied',
    fix: (dir) =>
      `Check the owner and permissions of ${dir} and its parents (ls -ld ${dir}), ` +
      'or point occ at a directory you own (OCC_DATA_DIR, OCC_CONFIG_DIR).',
  },
  EPERM: {
    reason: 'operation not permitted',
    fix: (dir) =>
      `Check the owner, permissions and attributes of ${dir} (ls -ld ${dir}; lsattr -d ${dir}), ` +
      'or point occ at a directory you own.',
  },
}

/** The failure as a problem of the user's machine (full disk, read-only, permissions), else undefined. */
export function surroundingsProblem(error: unknown): SurroundingsProblem | undefined {
  if (error instanceof OccError) return undefined
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === undefined || !Object.hasOwn(SURROUNDINGS, code)) return undefined
  return {code, ...SURROUNDINGS[code]}
}

/** What anything thrown says: an Error's message, else the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Wraps anything thrown that is not an OccError, so the CLI prints one line and no stack. */
export function toOccError(error: unknown): OccError {
  if (error instanceof OccError) return error
  const message = messageOf(error)
  return new OccError('internal', 'internal', `Unexpected error: ${message}`, {
    cause: error,
    suggestion: 'Run again with DEBUG=occ* for details, and report it if it persists.',
  })
}
