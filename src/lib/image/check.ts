import type {ImageSource} from '../config/types.js'
import type {Engine, EnginePlatform, ImageDetails} from '../docker/engine.js'
import type {HttpSend} from '../http.js'
import type {CredentialsProvider} from './registry-auth.js'
import type {CheckResult, ImageState} from './state.js'

import {ImagePullError, outcomeOfFailures, PULL_FAILURE_WORDS, PullFailure, type RepositoryFailure} from './errors.js'
import {type Manifest, parseManifest, selectPlatform} from './manifest.js'
import {formatReference, parseImageReference, parseRepository, repositoryName} from './reference.js'
import {RegistryClient} from './registry-client.js'
import type {RetryPolicy} from './retry.js'
import {messageOf, OccError} from '../errors.js'
import {imageVersion, localReference, SOURCE_LABEL, versionFromLabels} from './sandbox.js'

/** The image a check compares: the engine's `current` when it could be asked, else the record. */
export interface LocalImage {
  image_id?: string
  /** Every digest the image is known by (its repository digests, the recorded one). */
  digests: string[]
  version?: string
  source: ImageSource
}

/** What the registry that answered serves for the tag. */
export interface RemoteImage {
  repository: string
  reference: string
  /** Digest of what the tag names: an image manifest or a multi-platform index. */
  digest: string
  /** The index entry for the engine's platform. */
  platform?: {os: string; architecture: string; variant?: string; digest: string}
  config_digest?: string
  version?: string
}

export interface UpdateCheckReport {
  result: CheckResult
  tag: string
  local: LocalImage | null
  remote: RemoteImage | null
  /** Why the result is `not-published` or `unknown`. */
  reason?: string
  /** Repositories that could not answer, in the order asked. */
  failures?: RepositoryFailure[]
  checked_at: string
}

/**
 * The local side of a check. `current` is the engine's answer for `current` (null: the
 * engine has no such image; undefined: the engine was not asked), the record the claim.
 */
export function describeLocalImage(
  record: ImageState | undefined,
  current: ImageDetails | null | undefined,
): LocalImage | null {
  if (current === null) return null
  if (current === undefined) {
    if (!record) return null
    return {
      digests: record.digest === undefined ? [] : [record.digest],
      source: record.source,
      version: record.version,
      ...(record.image_id === undefined ? {} : {image_id: record.image_id}),
    }
  }

  const recorded = record?.image_id === current.Id ? record : undefined
  const digests = (current.RepoDigests ?? []).flatMap((name) => parseImageReference(name).digest ?? [])
  if (recorded?.digest !== undefined && !digests.includes(recorded.digest)) digests.push(recorded.digest)
  const built = current.Config?.Labels?.[SOURCE_LABEL] === 'build' || recorded?.source === 'build'
  const version = imageVersion(current) ?? recorded?.version
  return {
    digests,
    image_id: current.Id,
    source: built ? 'build' : 'prebuilt',
    ...(version === undefined ? {} : {version}),
  }
}

export interface CheckOptions {
  tag: string
  /** `image_repositories`, asked in order. */
  repositories: string[]
  local: LocalImage | null
  /** The engine's platform, asked only when a tag names a multi-platform index. */
  platform: () => Promise<EnginePlatform>
  signal: AbortSignal
  /** Budget for the whole check; what is still unanswered then counts as unavailable. */
  deadlineMs: number
  requestTimeoutMs?: number
  /** Retries of each registry request (default: retryPolicyFromEnv()). */
  retry?: RetryPolicy
  credentials?: CredentialsProvider
  send?: HttpSend
  now?: () => Date
}

/**
 * Asks the registries, in order, what the tag names now and compares it with the local
 * image, without pulling: at most three requests to the registry that answers (the tag's
 * manifest, the platform's manifest for an index, and the image config for its version).
 */
export async function checkForUpdate(options: CheckOptions): Promise<UpdateCheckReport> {
  const {local, tag} = options
  const report = (result: CheckResult, rest: Partial<UpdateCheckReport> = {}): UpdateCheckReport => ({
    checked_at: (options.now?.() ?? new Date()).toISOString(),
    local,
    remote: null,
    result,
    tag,
    ...rest,
  })
  if (local?.source === 'build')
    return report('built-locally', {reason: 'the image was built from source; a build is not compared with a registry'})

  return report(...(await askRepositories(options, Date.now() + options.deadlineMs)))
}

/** The first repository that serves the tag decides; the others only explain why none did. */
async function askRepositories(
  options: CheckOptions,
  deadlineAt: number,
): Promise<[CheckResult, Partial<UpdateCheckReport>]> {
  const {local, tag} = options
  const failures: RepositoryFailure[] = []
  for (const text of options.repositories) {
    const repository = parseRepository(text)
    const reference = formatReference({...repository, tag})
    const client = new RegistryClient(repository.registry, {
      credentials: options.credentials,
      deadlineAt,
      send: options.send,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      policy: options.retry,
      signal: options.signal,
    })
    try {
      const remote = await resolveRemote(client, repository.path, tag, options)
      const upToDate = local !== null && isSameImage(local, remote)
      return [
        upToDate ? 'up-to-date' : 'update-available',
        {
          remote: {...remote, reference, repository: repositoryName(repository)},
          ...(failures.length > 0 ? {failures} : {}),
        },
      ]
    } catch (error) {
      if (!(error instanceof PullFailure)) throw error
      failures.push({
        attempts: 1,
        kind: error.kind,
        message: error.message,
        reference,
        repository: repositoryName(repository),
      })
    }
  }

  return concludeWithoutRemote(tag, failures)
}

type Resolved = Omit<RemoteImage, 'reference' | 'repository'>

/** Follows the tag down to the image config, stopping as soon as the local image is recognised. */
async function resolveRemote(
  client: RegistryClient,
  path: string,
  tag: string,
  {local, platform}: Pick<CheckOptions, 'local' | 'platform'>,
): Promise<Resolved> {
  const top = await client.manifest(path, tag)
  const remote: Resolved = {digest: top.digest}
  let manifest = expectManifest(top.body, top.contentType)
  if (local && isSameImage(local, remote)) return remote
  if (manifest.kind === 'index') {
    const wanted = await platformOf(platform)
    const entry = selectPlatform(manifest.entries, wanted)
    if (!entry) throw new PullFailure('not-found', `the tag has no image for ${wanted.os}/${wanted.architecture}`)
    remote.platform = entry
    if (local && isSameImage(local, remote)) return remote
    const platformManifest = await client.manifest(path, entry.digest)
    manifest = expectManifest(platformManifest.body, platformManifest.contentType)
    if (manifest.kind !== 'image')
      throw new PullFailure(
        'unavailable',
        `the registry sent an index where ${entry.digest} should be an image manifest`,
      )
  }

  remote.config_digest = manifest.configDigest
  if (local && isSameImage(local, remote)) return remote
  const version = await remoteVersion(client, path, manifest.configDigest)
  return version === undefined ? remote : {...remote, version}
}

function expectManifest(body: unknown, contentType: string | undefined): Manifest {
  const manifest = parseManifest(body, contentType)
  if (!manifest) throw new PullFailure('unavailable', 'the registry sent a manifest occ cannot read')
  return manifest
}

async function platformOf(platform: () => Promise<EnginePlatform>): Promise<EnginePlatform> {
  try {
    return await platform()
  } catch (error) {
    throw new PullFailure(
      'unavailable',
      `the tag is a multi-platform index and the engine's platform is unknown (${messageOf(error)})`,
    )
  }
}

/** The version label of the remote image; its absence does not fail the check. */
async function remoteVersion(client: RegistryClient, path: string, configDigest: string): Promise<string | undefined> {
  try {
    const config = (await client.blobJson(path, configDigest)) as null | {
      config?: {Labels?: Record<string, string> | null}
    }
    return versionFromLabels(config?.config?.Labels)
  } catch (error) {
    if (error instanceof PullFailure) return undefined
    throw error
  }
}

/**
 * Same image when the local one is known by the tag's digest, its platform manifest's,
 * or its config's (the image id).
 */
export function isSameImage(local: LocalImage, remote: Resolved): boolean {
  const known = new Set(local.image_id === undefined ? local.digests : [...local.digests, local.image_id])
  return [remote.digest, remote.platform?.digest, remote.config_digest].some(
    (digest) => digest !== undefined && known.has(digest),
  )
}

/** No repository served the tag: `not-published` only when every one said so, else `unknown`. */
export function concludeWithoutRemote(
  tag: string,
  failures: RepositoryFailure[],
): [CheckResult, Partial<UpdateCheckReport>] {
  if (failures.length > 0 && outcomeOfFailures(failures) === 'notFound') {
    return ['not-published', {failures, reason: `the tag ${tag} is published in none of the configured repositories`}]
  }

  const unanswered = failures.filter((failure) => failure.kind !== 'not-found')
  const reason =
    unanswered.length === 0
      ? 'no repository is configured'
      : unanswered
          .map((failure) => `${failure.repository}: ${PULL_FAILURE_WORDS[failure.kind]} (${failure.message})`)
          .join('; ')
  return ['unknown', {failures, reason}]
}

/**
 * An explicit check that no repository answered because access was refused fails as a pull
 * there would (exit 7, the docker login hint): waiting will not fix it, the user's credentials will.
 */
export function assertAccess(report: UpdateCheckReport): void {
  const failures = report.failures ?? []
  if (report.result === 'unknown' && failures.length > 0 && outcomeOfFailures(failures) === 'auth')
    throw new ImagePullError(report.tag, failures, 'check')
}

export interface CheckImageOptions extends Omit<CheckOptions, 'local' | 'platform'> {
  record: ImageState | undefined
  /** The engine to read `current` and the platform from; without one (or when it is down), the record stands in. */
  engine?: Engine
}

/** Checks the engine's current image (or the record, when the engine cannot be asked) for an update. */
export async function checkImage(options: CheckImageOptions): Promise<UpdateCheckReport> {
  const {engine, record} = options
  let current: ImageDetails | null | undefined
  try {
    current = engine ? ((await engine.inspectImage(localReference('current'))) ?? null) : undefined
  } catch (error) {
    if (!(error instanceof OccError && error.kind === 'engine')) throw error
  }

  const platform = async () => {
    if (!engine) throw new Error('no engine to ask')
    return engine.platform()
  }

  return checkForUpdate({...options, local: describeLocalImage(record, current), platform})
}
