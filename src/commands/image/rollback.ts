import {followTimeoutS, ImageCommand} from '../../image-command.js'
import type {RollbackResult} from '../../lib/image/rollback.js'
import {LOCAL_IMAGE_NAME} from '../../lib/image/sandbox.js'
import {rolledBackSummary} from '../../lib/ui/image-messages.js'
import {SANDBOX_MOVED} from '../../lib/ui/sandbox-messages.js'

export default class ImageRollback extends ImageCommand {
  static override summary = 'Go back to the previous sandbox image.'
  static override description =
    `Swaps ${LOCAL_IMAGE_NAME}:current and ${LOCAL_IMAGE_NAME}:previous and rewrites image-state.json ` +
    'to describe the image now current, with the provenance recorded when it was acquired. ' +
    'Running it again returns to where you started.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<RollbackResult> {
    await this.parse(ImageRollback)
    const result = await this.images.rollback()
    this.log(rolledBackSummary(result))
    await this.announceImageChange('rollback', result.record, result.record.previous ?? null)
    if ((await this.sandbox.followCurrentImage(followTimeoutS())) === 'moved') this.log(SANDBOX_MOVED)
    return result
  }
}
