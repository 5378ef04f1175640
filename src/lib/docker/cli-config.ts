import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {OccError} from '../errors.js'
import {isRecord, parseJson} from '../json.js'

/** One entry of `auths` in the docker CLI's config.json. */
export interface AuthsEntry {
  /** base64 of "user:password" */
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
}

/** The parts of the docker CLI's config.json occ reads. */
export interface DockerCliConfig {
  auths?: Record<string, AuthsEntry>
  credHelpers?: Record<string, string>
  credsStore?: string
  currentContext?: string
}

/** `$DOCKER_CONFIG`, else ~/.docker: where the docker CLI keeps config.json, contexts and default TLS files. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker')
}

export class DockerConfigError extends OccError {
  constructor(where: string, problem: string) {
    super('config', 'docker_config_invalid', `The Docker CLI configuration ${where} cannot be used: ${problem}.`, {
      suggestion: 'Fix or remove it (docker reads the same file), or point DOCKER_CONFIG at another directory.',
    })
  }
}

/**
 * The docker CLI's config.json in `$DOCKER_CONFIG` (an empty config when there is none), read
 * as the docker CLI reads it. Only its structure is checked here, never echoed: it holds secrets.
 */
export function readDockerCliConfig(env: NodeJS.ProcessEnv = process.env): {config: DockerCliConfig; file: string} {
  const file = join(dockerConfigDir(env), 'config.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {config: {}, file}
    throw new DockerConfigError(file, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }

  return {config: parseDockerCliConfig(text, file), file}
}

/** A config.json text as DockerCliConfig; `where` names it in errors (a file, or DOCKER_AUTH_CONFIG). */
export function parseDockerCliConfig(text: string, where: string): DockerCliConfig {
  const parsed = text.trim() === '' ? {value: {}} : parseJson(text)
  if (parsed === undefined) throw new DockerConfigError(where, 'it is not valid JSON')
  const {value} = parsed

  if (!isRecord(value)) throw new DockerConfigError(where, 'it is not a JSON object')
  const config: DockerCliConfig = {}
  if (isRecord(value.auths)) {
    config.auths = Object.fromEntries(
      Object.entries(value.auths)
        .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
        .map(([key, entry]) => [key, authsEntry(entry)]),
    )
  }

  if (isRecord(value.credHelpers)) {
    config.credHelpers = Object.fromEntries(
      Object.entries(value.credHelpers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    )
  }

  if (typeof value.credsStore === 'string' && value.credsStore !== '') config.credsStore = value.credsStore
  if (typeof value.currentContext === 'string' && value.currentContext !== '')
    config.currentContext = value.currentContext
  return config
}

function authsEntry(raw: Record<string, unknown>): AuthsEntry {
  const entry: AuthsEntry = {}
  for (const key of ['auth', 'username', 'password', 'identitytoken'] as const) {
    const field = raw[key]
    if (typeof field === 'string' && field !== '') entry[key] = field
  }

  return entry
}
