import {BaseCommand} from '../../base-command.js'
import {dockerCredentials} from '../../lib/docker/credentials/index.js'
import {type EngineEndpoint, resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import type {UpdateCheckReport} from '../../lib/image/check.js'
import {checkAgainstEngine, type EngineCheck} from '../../lib/image/drift.js'
import {WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import type {ImageState} from '../../lib/image/state.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {automaticUpdateCheck} from '../../lib/image/update-policy.js'
import {OccError} from '../../lib/errors.js'
import {automaticCheckLine, checkSkippedLine, describeEngineCheck, describeImageState, NO_RECORD, versionMismatchLine} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

interface StateOutput {
  state: ImageState | null
  engine: EngineCheck
  wanted_version: string
  /** Present when update_check made this run ask the registries. */
  update_check?: UpdateCheckReport
}

export default class ImageStateCommand extends BaseCommand {
  static override summary = 'Show which sandbox image is recorded and whether the engine still agrees.'
  static override description =
    'Reads image-state.json and checks it against the Docker engine: ok, missing (the image is gone), moved (opencode-cloud-sandbox:current points at another image) or unreachable (the engine cannot be asked; the record is shown anyway). Says when the image is not the version this occ is made for, and checks for a newer image as update_check says (at most 1.5 s on the network, naming the cause when it cannot ask).'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<StateOutput> {
    await this.parse(ImageStateCommand)
    const endpoint = resolveEngineEndpoint()
    const store = ImageStateStore.forEngine(endpoint, warnLine)
    let state = await store.read()
    const engine = await checkAgainstEngine(state, endpoint, this.signal)
    if (!state) {
      this.log(NO_RECORD)
      this.log(`  ${describeEngineCheck(engine)}`)
      return {engine, state: null, wanted_version: WANTED_SANDBOX_VERSION}
    }

    this.log(describeImageState(state))
    if (state.image) this.log(`  image     ${state.image}`)
    if (state.image_id) this.log(`  image id  ${state.image_id}`)
    const check = describeEngineCheck(engine)
    if (engine.status === 'ok') this.log(`  ${check}`)
    else if (!this.jsonEnabled()) warnLine(check)
    if (state.version !== WANTED_SANDBOX_VERSION) this.log(versionMismatchLine(state.version, WANTED_SANDBOX_VERSION))

    const checked = await this.automaticCheck(store, state, endpoint, engine)
    state = checked?.record ?? state
    return {engine, state, wanted_version: WANTED_SANDBOX_VERSION, ...(checked ? {update_check: checked.report} : {})}
  }

  private async automaticCheck(store: ImageStateStore, state: ImageState, endpoint: EngineEndpoint, engineCheck: EngineCheck) {
    let config
    try {
      config = this.occConfig()
    } catch (error) {
      // A broken config.json must not hide the record; config:* commands report and repair it.
      if (!(error instanceof OccError && error.kind === 'config')) throw error
      this.notice(checkSkippedLine(error.message))
      return undefined
    }

    const engine = engineCheck.status === 'unreachable' ? undefined : await Engine.connect(endpoint, {signal: this.signal})
    const checked = await automaticUpdateCheck({
      credentials: dockerCredentials(),
      engine,
      policy: config.update_check,
      record: state,
      repositories: config.image_repositories,
      signal: this.signal,
      store,
      tag: WANTED_SANDBOX_VERSION,
    })
    const line = checked && automaticCheckLine(checked.report)
    if (line) this.notice(line)
    return checked
  }
}
