import {ImageCommand} from '../image-command.js'
import type {StartOutcome} from '../lib/core/sandbox.js'
import {startedLines, stoppedLine} from '../lib/ui/sandbox-messages.js'
import {startFlags, stopTimeFlag} from '../sandbox-flags.js'

export default class Restart extends ImageCommand {
  static override summary = 'Stop the sandbox, then start it again.'
  static override description =
    'Stops the sandbox (killed after -t seconds), then starts it as "occ start" does, ' +
    'with the same check of its configuration.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --yes']

  static override flags = {...startFlags, time: stopTimeFlag}

  public async run(): Promise<StartOutcome> {
    const {flags} = await this.parse(Restart)
    this.notice(stoppedLine(await this.sandbox.stop(flags.time, false)))
    const outcome = await this.sandbox.start({
      approveChanges: this.approveChanges(flags.yes),
      timeoutS: flags.timeout,
      update: false,
      updateCheck: false,
    })
    for (const line of startedLines(outcome)) this.log(line)
    return outcome
  }
}
