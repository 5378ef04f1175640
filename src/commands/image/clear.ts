import {Flags} from '@oclif/core'

import {ImageCommand} from '../../image-command.js'
import type {ClearResult} from '../../lib/image/clear.js'
import {confirmationRequired} from '../../lib/image/errors.js'
import {LOCAL_IMAGE_NAME} from '../../lib/image/sandbox.js'
import {CLEAR_CANCELLED, clearedSummary, removeImagesQuestion} from '../../lib/ui/image-messages.js'

export default class ImageClear extends ImageCommand {
  static override summary = 'Forget the recorded sandbox image; optionally remove it from the engine.'
  static override description =
    'Removes image-state.json (nothing to do is fine). ' +
    `With --remove-image it also removes the ${LOCAL_IMAGE_NAME}:current and :previous tags ` +
    'and the recorded image when nothing else names or uses it; never any other image.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --remove-image',
    '<%= config.bin %> <%= command.id %> --remove-image --force --json',
  ]

  static override flags = {
    force: Flags.boolean({
      char: 'f',
      description: 'Do not ask before removing images (needed with --remove-image when not on a terminal).',
    }),
    'remove-image': Flags.boolean({
      description: `Also remove the ${LOCAL_IMAGE_NAME}:current/:previous tags and the recorded image.`,
    }),
  }

  public async run(): Promise<ClearResult> {
    const {flags} = await this.parse(ImageClear)
    if (flags['remove-image'] && !flags.force) {
      const engine = await this.images.engine()
      await engine.ping()
      if (this.jsonEnabled() || !this.interactive) throw confirmationRequired()
      if (!(await this.confirm(removeImagesQuestion(engine.label)))) {
        this.notice(CLEAR_CANCELLED)
        return {record: null}
      }
    }

    const result = await this.images.clear(flags['remove-image'] === true)
    this.log(clearedSummary(result))
    if (result.record || result.images?.untagged.length) await this.announceImageChange('clear', null, result.record)
    return result
  }
}
