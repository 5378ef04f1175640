import type {EffectiveConfig} from '../config/types.js'
import type {BuildSource} from '../image/build.js'
import type {UpdateCheckReport} from '../image/check.js'
import type {ImageState} from '../image/state.js'
import type {ProgressMode} from '../ui/progress.js'

import {dockerCredentials} from '../docker/credentials/index.js'
import {type EngineEndpoint, resolveEngineEndpoint} from '../docker/endpoint.js'
import {Engine} from '../docker/engine.js'
import {type AcquireResult} from '../image/acquire.js'
import {buildRequest, parseBuildArgs, resolveBuildSource} from '../image/build.js'
import {checkImage, describeLocalImage} from '../image/check.js'
import {clearImageState, type ClearResult} from '../image/clear.js'
import {driftOfRecord, type EngineDrift} from '../image/drift.js'
import {OccError} from '../errors.js'
import {TagNeedsPrebuiltError} from '../image/errors.js'
import {retryPolicyFromEnv} from '../image/retry.js'
import {rollbackImage, type RollbackResult} from '../image/rollback.js'
import {localReference, WANTED_SANDBOX_VERSION} from '../image/sandbox.js'
import {ImageStateStore} from '../image/state-store.js'
import {planUpdate, type UpdatePlan} from '../image/update.js'
import {
  automaticUpdateCheck,
  checkRecordOfPull,
  EXPLICIT_CHECK_BUDGET_MS,
  rememberCheck,
} from '../image/update-policy.js'
import {buildWithProgress, pullWithProgress} from '../ui/acquire-with-progress.js'
import {checkSkippedLine, WAITING_FOR_LOCK} from '../ui/image-messages.js'

/** What a run hands the image core: its config (read when first needed), Ctrl-C, and where progress and notices go. */
export interface RunContext {
  config: () => EffectiveConfig
  signal: AbortSignal
  progressMode: ProgressMode
  /** A one-line notice on stderr; silent under --json and --quiet. */
  notice: (line: string) => void
  /** A warning on stderr (a record moved aside); silent under --quiet only. */
  warning: (line: string) => void
  env?: NodeJS.ProcessEnv
}

/** The build flags: a Dockerfile and context of the user's, build arguments, no cache. */
export interface BuildInputs {
  file?: string
  context?: string
  buildArgs?: string[]
  noCache?: boolean
}

/** `occ image state --json`. */
export interface StateReport {
  state: ImageState | null
  engine: EngineDrift
  wanted_version: string
  /** Present when update_check made this run ask the registries. */
  update_check?: UpdateCheckReport
}

export interface UpdateRequest {
  force: boolean
  tag?: string
  build: BuildInputs
}

export interface UpdateOutcome extends UpdatePlan {
  /** The record after the update (unchanged when nothing was done). */
  state: ImageState | null
  check?: UpdateCheckReport
  /** The pull or build that made the new image current, when one ran. */
  acquired?: AcquireResult
}

/**
 * The sandbox image on the engine this run talks to: everything an image command (and the
 * sandbox's start) needs, built when first used (endpoint, engine, record store, credentials)
 * and the operations on them. Commands are flags → one call here → render.
 */
export class ImageCore {
  readonly endpoint: EngineEndpoint
  readonly store: ImageStateStore
  private connected?: Promise<Engine>
  private foundCredentials?: ReturnType<typeof dockerCredentials>

  constructor(readonly run: RunContext) {
    this.endpoint = resolveEngineEndpoint(run.env)
    this.store = ImageStateStore.forEngine(this.endpoint, run.warning)
  }

  /** The engine, connected once per run; its calls end on the run's Ctrl-C. */
  engine(): Promise<Engine> {
    this.connected ??= Engine.connect(this.endpoint, {signal: this.run.signal})
    return this.connected
  }

  get credentials(): ReturnType<typeof dockerCredentials> {
    this.foundCredentials ??= dockerCredentials()
    return this.foundCredentials
  }

  /** Pulls `tag` through image_repositories, with progress, and makes it current. */
  async pull(tag: string): Promise<AcquireResult> {
    const config = this.run.config()
    return pullWithProgress(this.run.progressMode, {
      credentials: this.credentials,
      engine: await this.engine(),
      policy: retryPolicyFromEnv(),
      repositories: config.image_repositories,
      signal: this.run.signal,
      store: this.store,
      tag,
      updateCheck: checkRecordOfPull(tag, WANTED_SANDBOX_VERSION, config.update_check),
    })
  }

  /** Builds the image (occ's own Dockerfile unless `inputs` name another), with progress, and makes it current. */
  async build(inputs: BuildInputs = {}): Promise<AcquireResult> {
    const source: BuildSource = await resolveBuildSource(inputs)
    const request = await buildRequest(source, {
      buildArgs: parseBuildArgs(inputs.buildArgs ?? []),
      noCache: inputs.noCache ?? false,
    })
    return buildWithProgress(this.run.progressMode, source, {
      engine: await this.engine(),
      request,
      signal: this.run.signal,
      store: this.store,
      version: WANTED_SANDBOX_VERSION,
    })
  }

  /** Gets the wanted image the way image_source says: pulls it or builds it. */
  async acquire(): Promise<AcquireResult> {
    return this.run.config().image_source === 'build' ? this.build() : this.pull(WANTED_SANDBOX_VERSION)
  }

  /** image:update: checks (prebuilt, unless forced), then pulls or builds only when that gives another image. */
  async update(request: UpdateRequest): Promise<UpdateOutcome> {
    const {image_repositories: repositories, image_source: source} = this.run.config()
    if (source === 'build' && request.tag !== undefined)
      throw new TagNeedsPrebuiltError(request.tag, WANTED_SANDBOX_VERSION)
    const tag = request.tag ?? WANTED_SANDBOX_VERSION
    const record = await this.store.read()
    const engine = await this.engine()
    await engine.ping()
    const check =
      source === 'prebuilt' && !request.force
        ? await checkImage({
            credentials: this.credentials,
            deadlineMs: EXPLICIT_CHECK_BUDGET_MS,
            engine,
            record,
            repositories,
            signal: this.run.signal,
            tag,
          })
        : undefined
    const local = check
      ? check.local
      : describeLocalImage(record, (await engine.inspectImage(localReference('current'))) ?? null)
    const plan = planUpdate({check, force: request.force, local, source, wantedVersion: WANTED_SANDBOX_VERSION})
    const outcome = {...plan, ...(check ? {check} : {})}
    if (plan.action === 'none') return {...outcome, state: record ?? null}
    const acquired = plan.action === 'pull' ? await this.pull(tag) : await this.build(request.build)
    return {...outcome, acquired, state: acquired.record}
  }

  /**
   * Asks the registries what `tag` names now (a few small requests, no layers)
   * and compares it with the current image; checks of the wanted tag are remembered.
   */
  async check(tag: string = WANTED_SANDBOX_VERSION): Promise<UpdateCheckReport> {
    const record = await this.store.read()
    const {signal} = this.run
    const repositories = this.run.config().image_repositories
    const report = await checkImage({
      credentials: this.credentials,
      deadlineMs: EXPLICIT_CHECK_BUDGET_MS,
      engine: await this.engine(),
      record,
      repositories,
      signal,
      tag,
    })
    // The record remembers checks of the wanted tag only: that is what update_check counts.
    if (record && tag === WANTED_SANDBOX_VERSION) await rememberCheck(this.store, record, report, signal)
    return report
  }

  /** image:state: the record, its drift on the engine, and the update check update_check asks for now. */
  async state(): Promise<StateReport> {
    const record = await this.store.read()
    const engine = await driftOfRecord(record, this.endpoint, () => this.engine())
    if (!record) return {engine, state: null, wanted_version: WANTED_SANDBOX_VERSION}
    let checked
    try {
      checked = await this.automaticCheck(record, engine.status === 'unreachable' ? undefined : await this.engine())
    } catch (error) {
      // A broken config.json must not hide the record; the config commands report and repair it.
      if (!(error instanceof OccError && error.kind === 'config')) throw error
      this.run.notice(checkSkippedLine(error.message))
    }

    return {
      engine,
      state: checked?.record ?? record,
      wanted_version: WANTED_SANDBOX_VERSION,
      ...(checked ? {update_check: checked.report} : {}),
    }
  }

  /** image:clear: forgets the record; with `removeImage` also the tags and the recorded image (never another image). */
  async clear(removeImage: boolean): Promise<ClearResult> {
    const engine = removeImage ? await this.engine() : undefined
    // An engine that cannot be reached fails the command before the record is touched.
    await engine?.ping()
    return clearImageState({
      engine,
      onWait: () => this.run.notice(WAITING_FOR_LOCK),
      signal: this.run.signal,
      store: this.store,
    })
  }

  /** Swaps current and previous, and the record with them. */
  async rollback(): Promise<RollbackResult> {
    return rollbackImage({
      engine: await this.engine(),
      onWait: () => this.run.notice(WAITING_FOR_LOCK),
      signal: this.run.signal,
      store: this.store,
    })
  }

  /** The update check update_check asks for now (bounded, never failing the run), saved in the record. */
  async automaticCheck(record: ImageState, engine?: Engine): ReturnType<typeof automaticUpdateCheck> {
    const config = this.run.config()
    return automaticUpdateCheck({
      credentials: this.credentials,
      engine,
      policy: config.update_check,
      record,
      repositories: config.image_repositories,
      signal: this.run.signal,
      store: this.store,
      tag: WANTED_SANDBOX_VERSION,
    })
  }
}
