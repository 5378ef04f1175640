/**
 * `npm run demo`: the README's main job on a machine with no Docker Hub access. Unless the user
 * points at an engine and registries of their own (DOCKER_HOST and OCC_IMAGE_REPOSITORIES both
 * set), it starts the test environment, then runs `occ image pull`, `occ image state`, `occ start`,
 * `occ status` and `occ stop --remove` with throw-away config and data dirs (the sandbox on a free
 * port, its workspace in a temp dir), and stops what it started.
 */
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {type AddressInfo, createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {occRepositories, startEnvironment, stopEnvironment} from './environment.js'
import {EnvironmentError, say} from './system.js'

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  say(`$ ${[command, ...args].join(' ')}`)
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: 'inherit'})
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)))
  })
}

/** A port nothing listens on now, on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
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
      env.DOCKER_HOST = started.env.dockerHost
      env.OCC_IMAGE_REPOSITORIES = JSON.stringify(occRepositories(started.env))
      say(`DOCKER_HOST=${env.DOCKER_HOST} OCC_IMAGE_REPOSITORIES=${env.OCC_IMAGE_REPOSITORIES}`)
    }
    env.OCC_CONFIG_DIR = join(tempRoot, 'config')
    env.OCC_DATA_DIR = join(tempRoot, 'data')
    env.OCC_OPENCODE_WEB_PORT = String(await freePort())
    env.OCC_MOUNTS = JSON.stringify([`${join(tempRoot, 'workspace')}:/home/opencoder/workspace`])
    mkdirSync(join(tempRoot, 'workspace'))
    say(`fresh config and data dirs under ${tempRoot}; the sandbox on port ${env.OCC_OPENCODE_WEB_PORT}`)
    for (const args of [['image', 'pull'], ['image', 'state'], ['start'], ['status']]) {
      const code = await run(process.execPath, ['bin/run.js', ...args], env)
      if (code !== 0) return code
    }

    return await run(process.execPath, ['bin/run.js', 'stop', '--remove'], env)
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
  say(
    error instanceof EnvironmentError ? `error: ${error.message}` : `error: ${(error as Error).stack ?? String(error)}`,
  )
  process.exitCode = 1
}
