import {Flags} from '@oclif/core'

import {ImageCommand} from '../image-command.js'
import {type SandboxStatus, statusExitCode} from '../lib/core/sandbox-status.js'
import {EXIT_CODES} from '../lib/errors.js'
import type {UpdateCheckReport} from '../lib/image/check.js'
import {describeCheck} from '../lib/ui/image-messages.js'
import {statusLines} from '../lib/ui/sandbox-messages.js'

export default class Status extends ImageCommand {
  static override summary = 'Show whether the sandbox runs, how healthy it is, and from which image.'
  static override description =
    'State (running, stopped, missing), health, uptime, URL, container and image, ' +
    'the image record and whether the container runs the recorded image. No network unless --check. ' +
    'With -q it prints nothing: exit 0 when running and healthy, ' +
    `${EXIT_CODES.sandboxStarting.code} running but not healthy, ` +
    `${EXIT_CODES.sandboxStopped.code} stopped, ${EXIT_CODES.sandboxMissing.code} missing.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> -q && echo healthy',
  ]

  static override flags = {
    check: Flags.boolean({description: 'Also ask the registries whether a newer image is available.'}),
  }

  public async run(): Promise<SandboxStatus & {update_check?: UpdateCheckReport}> {
    const {flags} = await this.parse(Status)
    const status = await this.sandbox.status()
    const report = flags.check ? await this.images.check() : undefined
    if (this.chatty)
      for (const line of [...statusLines(status), ...(report ? [describeCheck(report)] : [])]) this.log(line)
    process.exitCode = statusExitCode(status)
    return report ? {...status, update_check: report} : status
  }
}
