import {BaseCommand} from '../../base-command.js'
import {tagFlag, wantedTag} from '../../image-flags.js'
import {dockerCredentials} from '../../lib/docker/credentials/index.js'
import {resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import {assertAccess, checkImage, type UpdateCheckReport} from '../../lib/image/check.js'
import {WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {EXPLICIT_CHECK_BUDGET_MS, rememberCheck} from '../../lib/image/update-policy.js'
import {describeCheck} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

export default class ImageCheck extends BaseCommand {
  static override summary = 'Ask the registries whether a newer sandbox image is available, without pulling.'
  static override description =
    "Asks the repositories of image_repositories, in order, what the wanted tag names now (a few small requests, no layers) and compares it with the current image for this engine's platform. Results: up-to-date, update-available, not-published (the tag is in no repository), built-locally (a source build is not compared) or unknown (no registry answered; exit 0)."

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --tag latest', '<%= config.bin %> <%= command.id %> --json']

  static override flags = {
    tag: tagFlag('check'),
  }

  public async run(): Promise<UpdateCheckReport> {
    const {flags} = await this.parse(ImageCheck)
    const tag = wantedTag(flags.tag)
    const config = this.occConfig()
    const endpoint = resolveEngineEndpoint()
    const store = ImageStateStore.forEngine(endpoint, warnLine)
    const record = await store.read()
    const report = await checkImage({
      deadlineMs: EXPLICIT_CHECK_BUDGET_MS,
      credentials: dockerCredentials(),
      engine: await Engine.connect(endpoint, {signal: this.signal}),
      record,
      repositories: config.image_repositories,
      signal: this.signal,
      tag,
    })
    // The record remembers checks of the wanted tag only: that is what update_check counts.
    if (record && tag === WANTED_SANDBOX_VERSION) await rememberCheck(store, record, report, this.signal)
    assertAccess(report)
    this.log(describeCheck(report))
    return report
  }
}
