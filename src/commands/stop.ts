import {Flags} from '@oclif/core'

import {ImageCommand} from '../image-command.js'
import type {StopResult} from '../lib/sandbox/container.js'
import {stoppedLine} from '../lib/ui/sandbox-messages.js'
import {stopTimeFlag} from '../sandbox-flags.js'

export default class Stop extends ImageCommand {
  static override summary = 'Stop the sandbox.'
  static override description =
    'Asks the sandbox to stop and kills it after -t seconds. ' +
    'A sandbox that is already stopped, or missing, is no error. ' +
    '--remove also removes the container (never its volumes).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -t 5',
    '<%= config.bin %> <%= command.id %> --remove',
  ]

  static override flags = {
    remove: Flags.boolean({description: 'Also remove the container (its volumes are kept).'}),
    time: stopTimeFlag,
  }

  public async run(): Promise<{result: StopResult}> {
    const {flags} = await this.parse(Stop)
    const result = await this.sandbox.stop(flags.time, flags.remove)
    this.log(stoppedLine(result))
    return {result}
  }
}
