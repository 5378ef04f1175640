/**
 * A wedged engine: a listener that accepts connections and never answers (a hung dockerd, a dead
 * tcp proxy, a port that never speaks SSH). Every image command ends within its bound with a
 * clear engine error (exit 4), image:state shows the record as unreachable, and one SIGINT or
 * SIGTERM ends a command that waits on it at once, changing nothing.
 */
import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {imageStateFile} from '../../src/lib/image-record-path.js'
import {readEnvironment, REPOSITORY} from '../env/index.js'
import {type ImageHome, makeImageHome, startCli} from '../integration/helpers/occ-image.js'
import {runCli} from '../integration/helpers/run-cli.js'
import {count, leftovers, pool, STACK_TRACE} from './suite.js'

const BUILD_CONTEXT = fileURLToPath(new URL('../fixtures/build/ok/', import.meta.url))

/** What occ waits for a metadata call here (the default is longer). */
const TIMEOUT_MS = 1500

/** A listener that takes every connection and says nothing, ever. */
class WedgedListener {
  private readonly sockets = new Set<Socket>()
  private readonly server: Server = createServer((socket) => {
    this.sockets.add(socket)
    socket.on('error', () => {}).on('close', () => this.sockets.delete(socket))
  })

  static async listen(where: {path: string} | {port: 0; host: '127.0.0.1'}): Promise<WedgedListener> {
    const listener = new WedgedListener()
    await new Promise<void>((resolve) => listener.server.listen(where, resolve))
    return listener
  }

  get port(): number {
    const address = this.server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

interface Wedged {
  name: string
  dockerHost: string
  env: Record<string, string>
}

const RECORD = {
  acquired_at: '2026-01-24T23:15:28.000Z',
  image: 'ghcr.io/prizz/opencode-cloud-sandbox:25.1.3',
  image_id: `sha256:${'a'.repeat(64)}`,
  registry: 'ghcr.io',
  source: 'prebuilt',
  version: '25.1.3',
}

describe('faults: a wedged engine (accepts, never answers)', function () {
  this.timeout(240_000)
  const dir = mkdtempSync(join(tmpdir(), 'occ-wedged-'))
  const listeners: WedgedListener[] = []
  const engines: Wedged[] = []
  let home: ImageHome

  before(async () => {
    const unix = await WedgedListener.listen({path: join(dir, 'docker.sock')})
    const tcp = await WedgedListener.listen({host: '127.0.0.1', port: 0})
    const ssh = await WedgedListener.listen({host: '127.0.0.1', port: 0})
    listeners.push(unix, tcp, ssh)
    // known_hosts records a key for the silent ssh port, so occ goes as far as the handshake.
    const sshHome = join(dir, 'ssh-home')
    mkdirSync(join(sshHome, '.ssh'), {recursive: true})
    const hostKey = readFileSync(join(readEnvironment().dir, 'ssh', 'host_key.pub'), 'utf8')
      .split(' ')
      .slice(0, 2)
      .join(' ')
    writeFileSync(join(sshHome, '.ssh', 'known_hosts'), `[127.0.0.1]:${ssh.port} ${hostKey}\n`)
    engines.push(
      {dockerHost: `unix://${join(dir, 'docker.sock')}`, env: {}, name: 'unix socket'},
      {dockerHost: `tcp://127.0.0.1:${tcp.port}`, env: {}, name: 'tcp'},
      {
        dockerHost: `ssh://occ@127.0.0.1:${ssh.port}`,
        env: {HOME: sshHome, SSH_AUTH_SOCK: readEnvironment().ssh.agentSocket},
        name: 'ssh port that never speaks SSH',
      },
    )
  })

  after(async () => {
    await Promise.all(listeners.map((listener) => listener.close()))
    rmSync(dir, {force: true, recursive: true})
  })

  beforeEach(() => {
    home = makeImageHome()
  })

  afterEach(() => home.remove())

  const envOf = (engine: Wedged, extra: Record<string, string> = {}) =>
    home.envFor([`${readEnvironment().registries.primary}/${REPOSITORY}`], {
      ...engine.env,
      DOCKER_HOST: engine.dockerHost,
      OCC_UPDATE_CHECK: 'never',
      ...extra,
    })

  /** Writes a record for the wedged engine, as an earlier pull would have. */
  const seedRecord = (engine: Wedged) => {
    const file = imageStateFile({...home.env, DOCKER_HOST: engine.dockerHost})
    mkdirSync(dirname(file), {recursive: true})
    writeFileSync(file, `${JSON.stringify({...RECORD, engine: engine.dockerHost}, null, 2)}\n`)
    return file
  }

  const COMMANDS = [
    ['image:pull'],
    ['image:update'],
    ['image:rollback'],
    ['image:clear', '--remove-image', '--force'],
    ['image:build', '--context', BUILD_CONTEXT],
  ]

  it('each engine-changing command ends within its bound, exit 4, naming the endpoint, record untouched', async () => {
    const cases = engines.flatMap((engine) => COMMANDS.map((args) => ({args, engine})))
    await pool(cases, 4, async ({args, engine}) => {
      const file = seedRecord(engine)
      const before = readFileSync(file, 'utf8')
      count({runs: 1, wedged: 1})
      const started = performance.now()
      const result = await runCli(args, {
        env: envOf(engine, {OCC_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS)}),
        timeoutMs: 20_000,
      })
      const seconds = (performance.now() - started) / 1000
      const how =
        `${args[0]} against a wedged ${engine.name}: ` +
        `exit ${result.code} after ${seconds.toFixed(1)} s\n${result.stderr}`
      expect(result.code, how).to.equal(4)
      expect(result.stderr, how).to.include(
        `Error: Cannot reach the Docker engine at ${engine.dockerHost}: ` +
          'it accepted the connection but did not answer within 1.5 s.',
      )
      expect(result.stderr, how).not.to.match(STACK_TRACE)
      expect(seconds, how).to.be.below(10)
      expect(readFileSync(file, 'utf8'), how).to.equal(before)
    })
    // Checked once all have ended: the cases run four at a time on one record, so a lock seen
    // while another command still waits on the engine is that command's, not a leftover.
    for (const engine of engines) expect(leftovers(dirname(seedRecord(engine))), engine.name).to.deep.equal([])
  })

  it('image:state and image:check answer from the record, showing the engine as unreachable', async () => {
    await pool(engines, 3, async (engine) => {
      seedRecord(engine)
      count({runs: 2, wedged: 1})
      const env = envOf(engine, {OCC_ENGINE_TIMEOUT_MS: String(TIMEOUT_MS)})
      const state = await runCli(['image:state', '--json'], {env, timeoutMs: 20_000})
      expect(state.code, `${engine.name}: ${state.stderr}`).to.equal(0)
      const json = JSON.parse(state.stdout) as {
        engine: {endpoint: string; message: string; status: string}
        state: Record<string, string>
      }
      expect(json.state).to.include({image_id: RECORD.image_id})
      expect(json.engine).to.include({endpoint: engine.dockerHost, status: 'unreachable'})
      expect(json.engine.message).to.include(`Cannot reach the Docker engine at ${engine.dockerHost}`)

      const check = await runCli(['image:check', '--json'], {env, timeoutMs: 20_000})
      expect(check.code, `${engine.name}: ${check.stderr}`).to.equal(0)
      expect(check.stderr).not.to.match(STACK_TRACE)
    })
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const exit = signal === 'SIGTERM' ? 143 : 130
    it(`one ${signal} at once ends a command stuck on the wedged engine (exit ${exit}), changing nothing`, async () => {
      await pool(engines, 3, async (engine) => {
        for (const args of [['image:state'], ['image:pull'], ['image:rollback']]) {
          const file = seedRecord(engine)
          const before = readFileSync(file, 'utf8')
          count({faults: 1, runs: 1, wedged: 1})
          // The default bound (15 s) is left alone: the signal, not the timeout, must end the run.
          const cli = startCli(args, envOf(engine))
          await new Promise((resolve) => setTimeout(resolve, 1500))
          const sent = performance.now()
          cli.child.kill(signal)
          const killer = setTimeout(() => cli.child.kill('SIGKILL'), 10_000)
          const result = await cli.done
          clearTimeout(killer)
          const how =
            `${args[0]} against a wedged ${engine.name}, ${signal}: ` +
            `exit ${result.code} after ${((performance.now() - sent) / 1000).toFixed(1)} s\n${result.stderr}`
          expect(result.code, how).to.equal(exit)
          expect(performance.now() - sent, how).to.be.below(3000)
          expect(result.stderr, how).to.include('Interrupted:').and.not.match(STACK_TRACE)
          expect(readFileSync(file, 'utf8'), how).to.equal(before)
          expect(leftovers(dirname(file)), how).to.deep.equal([])
        }
      })
    })
  }
})
