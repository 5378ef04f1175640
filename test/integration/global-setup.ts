/**
 * Brings up the test environment for a mocha run (registered in .mocharc.json under "require"),
 * reusing a running one, and exports DOCKER_HOST and the OCC_TEST_* variables.
 *
 * It starts when this module is loaded — before mocha loads the spec files — so a spec may read
 * the environment at module level. A failure to start fails the run (CI=true or not): never a skip.
 * It always starts: .mocharc.json's spec lists the integration tests and mocha adds command-line
 * specs to it, so no run with this config is unit-only; a unit-only run uses --no-config.
 *
 * Each run holds a lease; the global teardown stops the environment only if a test run started
 * it and no other run still holds a lease (one started with `npm run env:start` stays up).
 */
import {applyToProcessEnv, releaseEnvironment, startEnvironment} from '../env/environment.js'

/** Parallel-mode workers inherit the variables from the main process, which owns the lease. */
const isWorker = process.env.MOCHA_WORKER_ID !== undefined
let leased = false

async function startForRun(): Promise<void> {
  try {
    const {env, seconds, started} = await startEnvironment(undefined, {lease: true})
    leased = true
    applyToProcessEnv(env)
    process.stderr.write(
      `[occ-test-env] ${started ? 'started' : 'reusing'} the test environment ` +
        `(${seconds.toFixed(1)} s): DOCKER_HOST=${env.dockerHost}\n`,
    )
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(
      `The integration test environment (test/env) failed to start, so the tests cannot run:\n${message}\n` +
        'Fix the cause above and run again; `npm run env:start` shows the same error faster.',
      {cause: error},
    )
  }
}

if (!isWorker) await startForRun()

export async function mochaGlobalTeardown(): Promise<void> {
  if (!leased) return
  const {seconds, stopped} = await releaseEnvironment()
  if (stopped) process.stderr.write(`[occ-test-env] stopped the test environment (${seconds.toFixed(1)} s)\n`)
}
