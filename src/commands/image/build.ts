import {ImageCommand} from '../../image-command.js'
import {buildFlags, buildInputsOf} from '../../image-flags.js'
import {LOCAL_IMAGE_NAME, WANTED_SANDBOX_VERSION} from '../../lib/image/sandbox.js'
import type {ImageState} from '../../lib/image/state.js'
import {builtSummary} from '../../lib/ui/image-messages.js'

export default class ImageBuild extends ImageCommand {
  static override summary = 'Build the sandbox image from source and record it.'
  static override description =
    "Builds occ's own docker/Dockerfile (or --file/--context) with the Docker engine, " +
    `labels the image org.opencode-cloud.version=${WANTED_SANDBOX_VERSION} and org.opencode-cloud.source=build, ` +
    `tags it ${LOCAL_IMAGE_NAME}:current (the image it replaces keeps ${LOCAL_IMAGE_NAME}:previous) ` +
    'and records it in image-state.json. The context honours its .dockerignore.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --no-cache --build-arg OPENCODE_VERSION=0.15.0',
    '<%= config.bin %> <%= command.id %> --file ./Dockerfile --context . --json',
  ]

  static override flags = buildFlags

  public async run(): Promise<ImageState> {
    const {flags} = await this.parse(ImageBuild)
    const result = await this.images.build(buildInputsOf(flags))
    this.log(builtSummary(result.record, result.replacedId))
    await this.announceImageChange('build', result.record, result.before)
    return result.record
  }
}
