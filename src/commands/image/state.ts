import {ImageCommand} from '../../image-command.js'
import type {StateReport} from '../../lib/core/images.js'
import {LOCAL_IMAGE_NAME} from '../../lib/image/sandbox.js'
import {automaticCheckLine, stateReportLines} from '../../lib/ui/image-messages.js'

export default class ImageStateCommand extends ImageCommand {
  static override summary = 'Show which sandbox image is recorded and whether the engine still agrees.'
  static override description =
    'Reads image-state.json and checks it against the Docker engine: ok, missing (the image is gone), ' +
    `moved (${LOCAL_IMAGE_NAME}:current points at another image) ` +
    'or unreachable (the engine cannot be asked; the record is shown anyway). ' +
    'Says when the image is not the version this occ is made for, and checks for a newer image as update_check says ' +
    '(at most 1.5 s on the network, naming the cause when it cannot ask).'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<StateReport> {
    await this.parse(ImageStateCommand)
    const report = await this.images.state()
    const {lines, warning} = stateReportLines(report)
    for (const line of lines) this.log(line)
    if (warning && !this.jsonEnabled()) this.warning(warning)
    const checkLine = report.update_check && automaticCheckLine(report.update_check)
    if (checkLine) this.notice(checkLine)
    return report
  }
}
