import {ImageCommand} from '../image-command.js'
import type {StartOutcome} from '../lib/core/sandbox.js'
import {automaticCheckLine} from '../lib/ui/image-messages.js'
import {CONTAINER_NAME} from '../lib/sandbox/spec.js'
import {startedLines} from '../lib/ui/sandbox-messages.js'
import {startFlags, startUpdateFlags} from '../sandbox-flags.js'

export default class Start extends ImageCommand {
  static override summary = 'Start the sandbox and wait until it is healthy.'
  static override description =
    'Gets the sandbox image first when there is none (as image_source says), ' +
    `then runs the container ${CONTAINER_NAME} from it and config.json ` +
    '(port, bind address, mounts, env, restart policy) and waits until it is healthy. ' +
    'Running it again changes nothing; a changed configuration recreates the container ' +
    '(asked on a terminal, --yes elsewhere), keeping volumes and mounts. ' +
    'The update check of update_check runs alongside and never delays or fails the start.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --yes --timeout 300',
    '<%= config.bin %> <%= command.id %> --update --json',
  ]

  static override flags = {...startFlags, ...startUpdateFlags}

  public async run(): Promise<StartOutcome> {
    const {flags} = await this.parse(Start)
    const outcome = await this.sandbox.start({
      approveChanges: this.approveChanges(flags.yes),
      timeoutS: flags.timeout,
      update: flags.update,
      updateCheck: flags['update-check'],
    })
    for (const line of startedLines(outcome)) this.log(line)
    const checkLine = outcome.update_check && automaticCheckLine(outcome.update_check)
    if (checkLine) this.notice(checkLine)
    if (outcome.acquired && outcome.record)
      await this.announceImageChange(outcome.record.source === 'build' ? 'build' : 'pull', outcome.record, null)
    return outcome
  }
}
