import {ImageCommand} from '../../image-command.js'
import {tagFlag, wantedTag} from '../../image-flags.js'
import {LOCAL_IMAGE_NAME, WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import type {ImageState} from '../../lib/image/state.js'
import {automaticCheckLine, PREFERS_BUILD, pulledSummary} from '../../lib/ui/image-messages.js'

export default class ImagePull extends ImageCommand {
  static override summary = 'Pull the prebuilt sandbox image and record where it came from.'
  static override description =
    'Tries the repositories of image_repositories in order ' +
    '(each up to 3 times for network and server errors; a missing tag or refused access moves on at once), ' +
    `tags the image ${LOCAL_IMAGE_NAME}:current (the image it replaces keeps ${LOCAL_IMAGE_NAME}:previous) ` +
    'and records version, registry, digest and image id in image-state.json. ' +
    `Pulling another tag than ${WANTED_SANDBOX_VERSION} is followed by an update check when update_check says so.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --tag 25.0.0',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override flags = {
    tag: tagFlag('pull'),
  }

  public async run(): Promise<ImageState> {
    const {flags} = await this.parse(ImagePull)
    const tag = wantedTag(flags.tag)
    if (this.occConfig().image_source === 'build') this.notice(PREFERS_BUILD)
    const result = await this.images.pull(tag)
    this.log(pulledSummary(result.record, result.replacedId))
    await this.announceImageChange('pull', result.record, result.before)
    if (tag === WANTED_SANDBOX_VERSION) return result.record
    // Another tag than the wanted one: is the wanted one newer? (as update_check says)
    const checked = await this.images.automaticCheck(result.record, await this.images.engine())
    const line = checked && automaticCheckLine(checked.report)
    if (line) this.notice(line)
    return checked?.record ?? result.record
  }
}
