import {Flags} from '@oclif/core'

import {ImageCommand} from '../image-command.js'
import {engineSince} from '../lib/sandbox/log-since.js'

export default class Logs extends ImageCommand {
  static override summary = "Print the sandbox's output."
  static override description =
    'Its stdout on stdout and its stderr on stderr, as the container wrote them. ' +
    '-f follows the output until the sandbox stops (or Ctrl-C).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> -n 50',
    '<%= config.bin %> <%= command.id %> -f --timestamps',
    '<%= config.bin %> <%= command.id %> --since 10m',
  ]
  static override enableJsonFlag = false

  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new output until the sandbox stops.'}),
    since: Flags.string({
      description: 'Only output since this time (RFC 3339, Unix seconds, or a duration such as 10m).',
      helpValue: 'T',
    }),
    tail: Flags.integer({char: 'n', description: 'Only the last N lines.', helpValue: 'N', min: 0}),
    timestamps: Flags.boolean({description: 'Start each line with its time.'}),
  }

  public async run(): Promise<void> {
    const {flags} = await this.parse(Logs)
    const options = {
      follow: flags.follow === true,
      since: flags.since === undefined ? undefined : engineSince(flags.since),
      tail: flags.tail ?? ('all' as const),
      timestamps: flags.timestamps === true,
    }
    await this.sandbox.logs(options, (stream, payload) =>
      (stream === 'stderr' ? process.stderr : process.stdout).write(payload),
    )
    if (this.signal.aborted) process.exitCode = this.interruptedExitCode
  }
}
