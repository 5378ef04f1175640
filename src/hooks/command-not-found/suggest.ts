import {type Hook, toConfiguredId} from '@oclif/core'
import notFound from '@oclif/plugin-not-found'

import {closestMatch} from '../../lib/did-you-mean.js'
import {UnknownCommandError} from '../../lib/errors.js'

/**
 * A mistyped command exits 127 naming the closest command. On a terminal, @oclif/plugin-not-found
 * asks "Did you mean …?" and runs it; elsewhere (scripts, --json) nobody can answer, so the
 * suggestion is printed and occ exits at once: never 0 for a command that did not run.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const argv = options.argv ?? []
  const json = argv.includes('--json')
  if (!json && process.stdin.isTTY && process.stderr.isTTY) return notFound.call(this, options)

  const {config} = options
  const candidates = [
    ...config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases]),
    ...config.topics.filter((topic) => !topic.hidden).map((topic) => topic.name),
  ]
  const closest = closestMatch(options.id, candidates)
  const error = new UnknownCommandError(
    config.bin,
    toConfiguredId(options.id, config),
    closest && toConfiguredId(closest, config),
  )
  if (json) process.stdout.write(`${JSON.stringify({error: error.toJSON()}, null, 2)}\n`)
  else process.stderr.write(`Error: ${error.message}\n  ${error.suggestion}\n`)
  this.exit(error.exitCode)
}

export default hook
