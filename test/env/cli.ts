/**
 * `npm run env:start | env:stop | env:status`. Progress goes to stderr; `start` and `status`
 * print shell `export` lines on stdout, so `eval "$(npm run -s env:start)"` works.
 */
import {exportLines, readRecord, checkHealth, startEnvironment, stateDir, stopEnvironment} from './environment.js'
import {EnvironmentError, say} from './system.js'

const USAGE = 'usage: tsx test/env/cli.ts start|stop|status'

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start': {
      const {env, seconds, started} = await startEnvironment()
      say(
        `${started ? 'started' : 'reused'} in ${seconds.toFixed(1)} s: ` +
          `engine ${env.dockerHost} (${env.storageDriver}), registries primary ${env.registries.primary}, ` +
          `mirror ${env.registries.mirror}, auth ${env.registries.auth}, dead ${env.registries.dead}; ` +
          `state ${env.dir}/env.json`,
      )
      console.log(exportLines(env, true))
      return 0
    }

    case 'stop': {
      const {seconds, stopped, unmounted} = await stopEnvironment()
      say(
        stopped
          ? `stopped in ${seconds.toFixed(1)} s${unmounted ? ` (${unmounted} leftover mounts unmounted)` : ''}` +
              `; logs kept in ${stateDir()}`
          : `no environment recorded in ${stateDir()}; nothing to stop`,
      )
      return 0
    }

    case 'status': {
      const env = readRecord()
      if (!env) {
        say(`not running (no ${stateDir()}/env.json)`)
        return 1
      }
      const health = await checkHealth(env)
      say(
        health.healthy
          ? `running since ${env.startedAt}: engine ${env.dockerHost}`
          : `recorded but unhealthy: ${health.problems.join('; ')}`,
      )
      if (health.healthy) console.log(exportLines(env, true))
      return health.healthy ? 0 : 1
    }

    default:
      say(USAGE)
      return 2
  }
}

try {
  process.exitCode = await main(process.argv[2])
} catch (error) {
  say(
    error instanceof EnvironmentError ? `error: ${error.message}` : `error: ${(error as Error).stack ?? String(error)}`,
  )
  process.exitCode = 1
}
