import {Flags} from '@oclif/core'

import {followTimeoutS, ImageCommand} from '../../image-command.js'
import {buildFlags, buildInputsOf, tagFlag, wantedTag} from '../../image-flags.js'
import type {UpdateOutcome} from '../../lib/core/images.js'
import {LOCAL_IMAGE_NAME, WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import {builtSummary, pulledSummary, updatePlanLine} from '../../lib/ui/image-messages.js'
import {SANDBOX_MOVED} from '../../lib/ui/sandbox-messages.js'

type UpdateOutput = Omit<UpdateOutcome, 'acquired'>
export default class ImageUpdate extends ImageCommand {
  static override summary = 'Get a newer sandbox image the way image_source says: pull it or build it.'
  static override description =
    'With image_source prebuilt, checks the registries first and pulls only when they serve a different image; ' +
    `with image_source build, builds when the current image is not a build of ${WANTED_SANDBOX_VERSION}. ` +
    `The current image becomes ${LOCAL_IMAGE_NAME}:previous only once the new one is complete; ` +
    'a failed update changes nothing. The build flags apply when it builds.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --force',
    '<%= config.bin %> <%= command.id %> --tag latest --json',
  ]
  static override flags = {
    ...buildFlags,
    force: Flags.boolean({description: 'Pull or build even when the current image is up to date.'}),
    tag: tagFlag('pull'),
  }

  public async run(): Promise<UpdateOutput> {
    const {flags} = await this.parse(ImageUpdate)
    const {acquired, ...outcome} = await this.images.update({
      build: buildInputsOf(flags),
      force: flags.force,
      tag: flags.tag === undefined ? undefined : wantedTag(flags.tag),
    })
    if (!acquired) {
      this.log(updatePlanLine(outcome))
      return outcome
    }
    this.notice(updatePlanLine(outcome))
    this.log(
      outcome.action === 'pull'
        ? pulledSummary(acquired.record, acquired.replacedId)
        : builtSummary(acquired.record, acquired.replacedId),
    )
    await this.announceImageChange('update', acquired.record, acquired.before)
    if ((await this.sandbox.followCurrentImage(followTimeoutS())) === 'moved') this.log(SANDBOX_MOVED)
    return outcome
  }
}
