import {BaseCommand} from '../../base-command.js'
import {tagFlag, wantedTag} from '../../image-flags.js'
import {dockerCredentials} from '../../lib/docker/credentials/index.js'
import {resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import {retryPolicyFromEnv} from '../../lib/image/retry.js'
import {LOCAL_IMAGE_NAME, WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import type {ImageState} from '../../lib/image/state.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {automaticUpdateCheck, checkByPull} from '../../lib/image/update-policy.js'
import {pullWithProgress} from '../../lib/ui/acquire-with-progress.js'
import {automaticCheckLine, PREFERS_BUILD, pulledSummary} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

export default class ImagePull extends BaseCommand {
  static override summary = 'Pull the prebuilt sandbox image and record where it came from.'
  static override description = `Tries the repositories of image_repositories in order (each up to 3 times for network and server errors; a missing tag or refused access moves on at once), tags the image ${LOCAL_IMAGE_NAME}:current (the image it replaces keeps ${LOCAL_IMAGE_NAME}:previous) and records version, registry, digest and image id in image-state.json. Pulling another tag than ${WANTED_SANDBOX_VERSION} is followed by an update check when update_check says so.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --tag 1.3.0', '<%= config.bin %> <%= command.id %> --json']

  static override flags = {
    tag: tagFlag('pull'),
  }

  public async run(): Promise<ImageState> {
    const {flags} = await this.parse(ImagePull)
    const tag = wantedTag(flags.tag)
    const config = this.occConfig()
    if (config.image_source === 'build') this.notice(PREFERS_BUILD)

    const endpoint = resolveEngineEndpoint()
    const engine = await Engine.connect(endpoint, {signal: this.signal})
    const store = ImageStateStore.forEngine(endpoint, warnLine)
    const credentials = dockerCredentials()
    const result = await pullWithProgress(this.progressMode, {
      credentials,
      engine,
      policy: retryPolicyFromEnv(),
      repositories: config.image_repositories,
      signal: this.signal,
      store,
      tag,
      updateCheck: checkByPull(tag, WANTED_SANDBOX_VERSION, config.update_check),
    })
    this.log(pulledSummary(result.record, result.replacedId))
    await this.announceImageChange('pull', result.record, result.before)
    if (tag === WANTED_SANDBOX_VERSION) return result.record

    const checked = await automaticUpdateCheck({credentials, engine, policy: config.update_check, record: result.record, repositories: config.image_repositories, signal: this.signal, store, tag: WANTED_SANDBOX_VERSION})
    const line = checked && automaticCheckLine(checked.report)
    if (line) this.notice(line)
    return checked?.record ?? result.record
  }
}
