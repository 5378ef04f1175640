import {BaseCommand} from '../../base-command.js'
import {resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import {rollbackImage, type RollbackResult} from '../../lib/image/rollback.js'
import {LOCAL_IMAGE_NAME} from '../../lib/image/sandbox.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {rolledBackSummary, WAITING_FOR_LOCK} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

export default class ImageRollback extends BaseCommand {
  static override summary = 'Go back to the previous sandbox image.'
  static override description = `Swaps ${LOCAL_IMAGE_NAME}:current and ${LOCAL_IMAGE_NAME}:previous and rewrites image-state.json to describe the image now current, with the provenance recorded when it was acquired. Running it again returns to where you started.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<RollbackResult> {
    await this.parse(ImageRollback)
    const endpoint = resolveEngineEndpoint()
    const result = await rollbackImage({
      engine: await Engine.connect(endpoint, {signal: this.signal}),
      onWait: () => this.notice(WAITING_FOR_LOCK),
      signal: this.signal,
      store: ImageStateStore.forEngine(endpoint, warnLine),
    })
    this.log(rolledBackSummary(result))
    await this.announceImageChange('rollback', result.record, result.record.previous ?? null)
    return result
  }
}
