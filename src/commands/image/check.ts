import {ImageCommand} from '../../image-command.js'
import {tagFlag, wantedTag} from '../../image-flags.js'
import {assertAccess, type UpdateCheckReport} from '../../lib/image/check.js'
import {describeCheck} from '../../lib/ui/image-messages.js'

export default class ImageCheck extends ImageCommand {
  static override summary = 'Ask the registries whether a newer sandbox image is available, without pulling.'
  static override description =
    'Asks the repositories of image_repositories, in order, what the wanted tag names now ' +
    "(a few small requests, no layers) and compares it with the current image for this engine's platform. " +
    'Results: up-to-date, update-available, not-published (the tag is in no repository), ' +
    'built-locally (a source build is not compared) or unknown (no registry answered; exit 0).'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --tag latest',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override flags = {
    tag: tagFlag('check'),
  }

  public async run(): Promise<UpdateCheckReport> {
    const {flags} = await this.parse(ImageCheck)
    const report = await this.images.check(wantedTag(flags.tag))
    assertAccess(report)
    this.log(describeCheck(report))
    return report
  }
}
