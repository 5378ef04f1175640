import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {resolveEngineEndpoint} from '../../lib/docker/endpoint.js'
import {Engine} from '../../lib/docker/engine.js'
import {clearImageState, type ClearResult} from '../../lib/image/clear.js'
import {LOCAL_IMAGE_NAME} from '../../lib/image/sandbox.js'
import {ImageStateStore} from '../../lib/image/state-store.js'
import {OccError} from '../../lib/errors.js'
import {clearedSummary, WAITING_FOR_LOCK} from '../../lib/ui/image-messages.js'
import {warnLine} from '../../lib/ui/prompt.js'

export default class ImageClear extends BaseCommand {
  static override summary = 'Forget the recorded sandbox image; optionally remove it from the engine.'
  static override description = `Removes image-state.json (nothing to do is fine). With --remove-image it also removes the ${LOCAL_IMAGE_NAME}:current and :previous tags and the recorded image when nothing else names or uses it; never any other image.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --remove-image', '<%= config.bin %> <%= command.id %> --remove-image --force --json']

  static override flags = {
    force: Flags.boolean({char: 'f', description: 'Do not ask before removing images (needed with --remove-image when not on a terminal).'}),
    'remove-image': Flags.boolean({description: `Also remove the ${LOCAL_IMAGE_NAME}:current/:previous tags and the recorded image.`}),
  }

  public async run(): Promise<ClearResult> {
    const {flags} = await this.parse(ImageClear)
    const removeImage = flags['remove-image']
    const endpoint = resolveEngineEndpoint()
    const engine = removeImage ? await Engine.connect(endpoint, {signal: this.signal}) : undefined
    if (engine) {
      await engine.ping()
      if (!flags.force && !(await this.confirmRemoval(engine.label))) {
        this.log('Nothing changed.')
        return {record: null}
      }
    }

    const result = await clearImageState({
      engine,
      onWait: () => this.notice(WAITING_FOR_LOCK),
      signal: this.signal,
      store: ImageStateStore.forEngine(endpoint, warnLine),
    })
    this.log(clearedSummary(result))
    if (result.record || result.images?.untagged.length) await this.announceImageChange('clear', null, result.record)
    return result
  }

  private async confirmRemoval(endpoint: string): Promise<boolean> {
    if (this.jsonEnabled() || !this.interactive) {
      throw new OccError('usage', 'confirmation_required', 'image:clear --remove-image removes images from the engine and asks first, but there is no terminal to ask on.', {
        suggestion: 'Add --force to remove them without asking.',
      })
    }

    return this.confirm(`Remove ${LOCAL_IMAGE_NAME}:current, :previous and the recorded image from the engine at ${endpoint}?`)
  }
}
