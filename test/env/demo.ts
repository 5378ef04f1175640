/**
 * `npm run demo`: the README's main job on a machine with no Docker Hub access. Unless the user
 * points at an engine and registries of their own (DOCKER_HOST and OCC_IMAGE_REPOSITORIES both
 * set), it starts the test environment, then runs `occ image pull` and `occ image state` with
 * throw-away config and data dirs, and stops what it started.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startEnvironment, stopEnvironment} from './environment.js'
import {EnvironmentError, say} from './system.js'

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  say(`$ ${[command, ...args].join(' ')}`)
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: 'inherit'})
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)))
  })
}

async function main(): Promise<number> {
  // Ctrl-C reaches the running occ (same process group); we stay to clean up after it.
  process.on('SIGINT', () => say('interrupted; cleaning up'))
  const ownSetup = Boolean(process.env.DOCKER_HOST && process.env.OCC_IMAGE_REPOSITORIES)
  let stopAfter = false
  const env: NodeJS.ProcessEnv = {...process.env}
  const tempRoot = mkdtempSync(join(tmpdir(), 'occ-demo-'))
  try {
    if (!existsSync('dist')) {
      say('dist/ is missing: building the CLI first')
      const built = await run('npm', ['run', 'build'], process.env)
      if (built !== 0) return built
    }
    if (ownSetup) {
      say(`using your engine ${process.env.DOCKER_HOST} and repositories ${process.env.OCC_IMAGE_REPOSITORIES}`)
    } else {
      say('starting the local test environment (engine + registries on 127.0.0.1; no Docker Hub needed)')
      const started = await startEnvironment()
      stopAfter = started.started
      const {registries, repository} = started.env
      env.DOCKER_HOST = started.env.dockerHost
      env.OCC_IMAGE_REPOSITORIES = JSON.stringify([`${registries.primary}/${repository}`, `${registries.mirror}/${repository}`])
      say(`DOCKER_HOST=${env.DOCKER_HOST} OCC_IMAGE_REPOSITORIES=${env.OCC_IMAGE_REPOSITORIES}`)
    }
    env.OCC_CONFIG_DIR = join(tempRoot, 'config')
    env.OCC_DATA_DIR = join(tempRoot, 'data')
    say(`fresh config and data dirs under ${tempRoot}`)
    const pulled = await run(process.execPath, ['bin/run.js', 'image:pull'], env)
    const state = await run(process.execPath, ['bin/run.js', 'image:state'], env)
    return pulled || state
  } finally {
    rmSync(tempRoot, {force: true, recursive: true})
    if (stopAfter) {
      const {seconds} = await stopEnvironment()
      say(`stopped the test environment (${seconds.toFixed(1)} s)`)
    }
  }
}

try {
  process.exitCode = await main()
} catch (error) {
  say(error instanceof EnvironmentError ? `error: ${error.message}` : `error: ${(error as Error).stack ?? String(error)}`)
  process.exitCode = 1
}
