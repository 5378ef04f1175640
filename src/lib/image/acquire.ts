import type {BuildRequest, Engine, ImageDetails} from '../docker/engine.js'
import type {BuildEvent} from './build-events.js'
import type {LockWaitOptions} from '../lock.js'
import type {ImageState, UpdateCheckRecord} from './state.js'
import type {ImageStateStore} from './state-store.js'

import {InterruptedError} from '../errors.js'
import {imageVanished} from './errors.js'
import {buildOnce} from './build.js'
import {type AcquiredImage, recordAfterAcquire} from './history.js'
import {type PullOptions, pullFromRepositories} from './pull.js'
import {formatReference, parseImageReference, parseRepository, repositoryName} from './reference.js'
import {CLI_VERSION, imageVersion, SOURCE_LABEL, VERSION_LABEL} from './sandbox.js'
import {planPromotion} from './tags.js'

/** The part of the engine an acquisition needs: a pull or a build, then the image and its tags. */
export type AcquiringEngine = Pick<Engine, 'build' | 'inspectImage' | 'label' | 'ping' | 'pull' | 'tag'>

/** What every acquisition (pull or build) needs besides its own inputs. */
interface AcquireOptions {
  engine: AcquiringEngine
  store: ImageStateStore
  signal: AbortSignal
  onLockWait?: LockWaitOptions['onWait']
  now?: () => Date
  /** Written as the record's last update check (else the previous one carries over). */
  updateCheck?: UpdateCheckRecord
}

export interface PullSandboxOptions extends AcquireOptions, PullOptions {
  /** `image_repositories`, in the order to try them. */
  repositories: string[]
  tag: string
}

export interface AcquireResult {
  record: ImageState
  /** The record as it was before this acquisition (null when there was none). */
  before: ImageState | null
  /** Id of the image that was current before and is now `previous`. */
  replacedId?: string
}

/**
 * Runs `produce` (a pull or a build) holding the state lock from before it starts until the
 * record is written, so concurrent acquisitions run one after another and the record always
 * names what `current` is. `current` moves only once the new image is complete.
 */
async function acquire(
  options: AcquireOptions,
  what: string,
  produce: () => Promise<Produced>,
): Promise<AcquireResult> {
  const {engine, signal, store} = options
  await engine.ping()
  return store.transaction(
    async (transaction) => {
      const {describe, imageId} = await produce()
      if (signal.aborted) throw new InterruptedError(what)
      const image = await engine.inspectImage(imageId)
      if (!image) throw imageVanished(what)
      const before = await transaction.read()
      const promotion = await planPromotion(engine, image.Id)
      const {replacedId} = promotion
      const acquired = {
        ...describe(image),
        acquired_at: (options.now?.() ?? new Date()).toISOString(),
        cli_version: CLI_VERSION,
        image_id: image.Id,
      }
      const record = recordAfterAcquire(before, acquired, replacedId, options.updateCheck)
      // The tags move once the new record is on disk and before it replaces the old one:
      // a full or read-only disk changes neither.
      const written = await transaction.write(record, {beforeReplace: () => promotion.apply()})
      return {before: before ?? null, record: written, ...(replacedId === undefined ? {} : {replacedId})}
    },
    {onWait: options.onLockWait, signal},
  )
}

/** A finished pull or build: the image (a reference or id) and what to record of it. */
interface Produced {
  imageId: string
  describe: (image: ImageDetails) => Omit<AcquiredImage, 'acquired_at' | 'cli_version' | 'image_id'>
}

/** Pulls the sandbox image from the first repository that serves `tag` and makes it current. */
export async function pullSandboxImage(options: PullSandboxOptions): Promise<AcquireResult> {
  const repositories = options.repositories.map((text) => parseRepository(text))
  return acquire(options, `the pull of ${options.tag}`, async () => {
    const pulled = await pullFromRepositories(options.engine, repositories, options.tag, options)
    const reference = formatReference(pulled.reference)
    return {
      describe(image) {
        const digest = pulled.digest ?? repositoryDigest(image.RepoDigests ?? [], repositoryName(pulled.reference))
        return {
          image: reference,
          registry: pulled.reference.registry,
          source: 'prebuilt',
          version: imageVersion(image) ?? options.tag,
          ...(digest === undefined ? {} : {digest}),
        }
      },
      imageId: reference,
    }
  })
}

export interface BuildSandboxOptions extends AcquireOptions {
  request: Omit<BuildRequest, 'labels'>
  /** The version the image is labelled with: the one this CLI wants. */
  version: string
  onEvent?: (event: BuildEvent) => void
}

/** Builds the sandbox image, labelled with its version and source, and makes it current. */
export async function buildSandboxImage(options: BuildSandboxOptions): Promise<AcquireResult> {
  const labels = {[SOURCE_LABEL]: 'build', [VERSION_LABEL]: options.version}
  return acquire(options, 'the build', async () => ({
    describe: () => ({source: 'build', version: options.version}),
    imageId: await buildOnce(options.engine, {...options.request, labels}, options.signal, options.onEvent),
  }))
}

/** The digest the engine holds for `repository` among an image's "name@sha256:…" entries. */
function repositoryDigest(repoDigests: string[], repository: string): string | undefined {
  for (const entry of repoDigests) {
    const reference = parseImageReference(entry)
    if (reference.digest !== undefined && repositoryName(reference) === repository) return reference.digest
  }

  return undefined
}
