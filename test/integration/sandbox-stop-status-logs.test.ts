import {expect} from 'chai'
import {setTimeout as sleep} from 'node:timers/promises'

import {sandboxStartLine} from '../env/index.js'
import {waitUntil} from '../env/system.js'
import {startCli} from './helpers/occ-image.js'
import {
  dockerd,
  SANDBOX,
  sandboxContainer,
  sandboxVolumes,
  type SandboxHome,
  servedVersion,
  startedSandbox,
  useSandboxHome,
  WANTED,
  WORKSPACE_TARGET,
} from './helpers/occ-sandbox.js'
import {execIn} from './helpers/sandbox-container.js'

interface StatusJson {
  state: 'missing' | 'running' | 'stopped'
  health: 'healthy' | 'none' | 'starting' | 'unhealthy' | null
  url: string | null
  container_id: string | null
  image_id: string | null
  started_at?: string | null
  uptime_s?: number | null
  record: {image_id: string; version: string} | null
  runs_recorded_image: boolean
  mounts: string[]
  volumes?: string[]
  last_update_check: unknown
}

const CONFIG_VOLUME = `${SANDBOX}-config`
const STOP_LINE = `opencode sandbox stand-in ${WANTED}: SIGTERM, stopping`

async function status(s: SandboxHome): Promise<{code: number | null; json: StatusJson}> {
  const result = await s.occ(['status', '--json'])
  return {code: result.code, json: JSON.parse(result.stdout) as StatusJson}
}

describe('occ stop and occ status', function () {
  this.timeout(60_000)
  const sandbox = useSandboxHome()

  it('status of a missing, running and stopped sandbox, in --json and as -q exit codes', async () => {
    const s = sandbox()
    const missing = await status(s)
    expect(missing.code).to.equal(22)
    expect(missing.json).to.deep.equal({
      container_id: null,
      health: null,
      image_id: null,
      last_update_check: null,
      mounts: [],
      record: null,
      runs_recorded_image: false,
      state: 'missing',
      url: null,
    })
    const quietMissing = await s.occ(['status', '-q'])
    expect({code: quietMissing.code, stdout: quietMissing.stdout}).to.deep.equal({code: 22, stdout: ''})
    expect((await s.occ(['status'])).stdout).to.equal(`Sandbox: missing (no ${SANDBOX} container). Run "occ start".\n`)

    const id = await startedSandbox(s)
    const running = await status(s)
    expect(running.code).to.equal(0)
    expect(running.json).to.deep.include({
      container_id: id,
      health: 'healthy',
      image_id: s.wanted?.configDigest,
      last_update_check: null,
      mounts: [`${s.workspace}:${WORKSPACE_TARGET}`],
      runs_recorded_image: true,
      state: 'running',
      url: `http://127.0.0.1:${s.port}`,
    })
    expect(running.json.record).to.include({image_id: s.wanted?.configDigest, version: WANTED})
    expect(running.json.volumes).to.include(`${CONFIG_VOLUME}:/home/opencoder/.config/opencode`)
    expect(Date.parse(running.json.started_at ?? '')).to.be.closeTo(Date.now(), 30_000)
    expect(running.json.uptime_s).to.be.a('number').within(0, 30)
    const quietRunning = await s.occ(['status', '-q'])
    expect({code: quietRunning.code, stderr: quietRunning.stderr, stdout: quietRunning.stdout}).to.deep.equal({
      code: 0,
      stderr: '',
      stdout: '',
    })
    const text = await s.occ(['status'])
    expect(text.stdout).to.match(/^Sandbox: running, healthy, up \d+ s\n/)
    expect(text.stdout).to.include(`  url        http://127.0.0.1:${s.port}\n`)
    expect(text.stdout).to.include(`  container  ${id.slice(0, 12)}\n`)
    expect(text.stdout).to.include('(the recorded image)')

    const first = await s.occ(['stop'])
    expect({code: first.code, stdout: first.stdout}).to.deep.equal({code: 0, stdout: 'Stopped the sandbox.\n'})
    const stopped = await status(s)
    expect(stopped.code).to.equal(21)
    expect(stopped.json).to.deep.include({container_id: id, state: 'stopped', uptime_s: null, url: null})
    expect((await s.occ(['status', '-q'])).code).to.equal(21)
    const second = await s.occ(['stop', '--json'])
    expect(second.code).to.equal(0)
    expect(JSON.parse(second.stdout)).to.deep.equal({result: 'was-stopped'})
    expect((await s.occ(['stop'])).stdout).to.equal('The sandbox was not running.\n')
  })

  it('status -q exits 20 while the sandbox runs but is not healthy', async () => {
    const s = sandbox()
    const id = await startedSandbox(s)
    // Break the stand-in's health endpoint: the health test fails from now on.
    const broken = await execIn(dockerd().getContainer(id), ['/bin/busybox', 'rm', '/www/global/health'])
    expect(broken.exitCode, broken.output).to.equal(0)
    const unhealthy = await waitUntil(async () => (await s.occ(['status', '-q'])).code === 20, 20_000, 500)
    expect(unhealthy, 'status -q reached 20').to.equal(true)
    const {json} = await status(s)
    expect(json).to.include({state: 'running'})
    expect(json.health).to.be.oneOf(['starting', 'unhealthy'])
  })

  it('stop -t 1 kills a sandbox that ignores SIGTERM after about 1 s', async () => {
    const s = sandbox()
    await s.push(WANTED, {variant: 'ignores-term', version: WANTED})
    const id = await startedSandbox(s)
    const began = Date.now()
    const result = await s.occ(['stop', '-t', '1'])
    const took = Date.now() - began
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.equal('Stopped the sandbox.\n')
    expect(took).to.be.within(1000, 5000)
    expect((await dockerd().getContainer(id).inspect()).State.ExitCode, 'killed').to.equal(137)
  })

  it('stop --remove: container removed, volumes kept (a file survives the next start); missing: no error', async () => {
    const s = sandbox()
    const id = await startedSandbox(s)
    const volumes = await sandboxVolumes(dockerd())
    expect(volumes).to.include(CONFIG_VOLUME)
    const written = await execIn(dockerd().getContainer(id), [
      '/bin/sh',
      '-c',
      'echo kept > /home/opencoder/.config/opencode/marker',
    ])
    expect(written.exitCode, written.output).to.equal(0)

    const removed = await s.occ(['stop', '--remove'])
    expect({code: removed.code, stdout: removed.stdout}).to.deep.equal({
      code: 0,
      stdout: 'Removed the sandbox container; its volumes are kept.\n',
    })
    expect(await sandboxContainer(dockerd())).to.equal(undefined)
    expect(await sandboxVolumes(dockerd())).to.deep.equal(volumes)

    const missing = await s.occ(['stop'])
    expect({code: missing.code, stdout: missing.stdout}).to.deep.equal({
      code: 0,
      stdout: `There is no sandbox container (${SANDBOX}); nothing to stop.\n`,
    })
    expect(JSON.parse((await s.occ(['stop', '--json'])).stdout)).to.deep.equal({result: 'missing'})

    const again = await startedSandbox(s)
    expect(again).to.not.equal(id)
    const read = await execIn(dockerd().getContainer(again), [
      '/bin/busybox',
      'cat',
      '/home/opencoder/.config/opencode/marker',
    ])
    expect(read.output).to.include('kept')
  })

  it('restart stops and starts the same container, ready again', async () => {
    const s = sandbox()
    const id = await startedSandbox(s)
    const before = (await dockerd().getContainer(id).inspect()).State.StartedAt
    const result = await s.occ(['restart', '-t', '1'])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.include('Stopped the sandbox.')
    expect(result.stdout).to.match(
      new RegExp(String.raw`^Started the sandbox \(${id.slice(0, 12)}\)\.\nReady at http://127\.0\.0\.1:${s.port}\n`),
    )
    expect((await dockerd().getContainer(id).inspect()).State.StartedAt).to.not.equal(before)
    expect(await servedVersion(s.port)).to.equal(WANTED)
  })
})

describe('occ logs', function () {
  this.timeout(60_000)
  const sandbox = useSandboxHome()
  const SERVING = `opencode sandbox stand-in ${WANTED} (healthy): serving /www, health at /global/health`

  it('prints stdout on stdout and stderr on stderr; -n limits the lines; --timestamps and --since', async () => {
    const s = sandbox()
    await startedSandbox(s)
    const all = await s.occ(['logs'])
    expect(all.code, all.stderr).to.equal(0)
    expect(all.stdout).to.equal(`${sandboxStartLine(WANTED)}\n`)
    expect(all.stderr).to.equal(`${SERVING}\n`)

    const since = new Date(Date.now() + 1100)
    await sleep(2500)
    const stop = await s.occ(['stop'])
    expect(stop.code).to.equal(0)

    const last = await s.occ(['logs', '-n', '1'])
    expect({code: last.code, stderr: last.stderr, stdout: last.stdout}).to.deep.equal({
      code: 0,
      stderr: '',
      stdout: `${STOP_LINE}\n`,
    })
    const twoOut = await s.occ(['logs', '-n', '2'])
    expect(`${twoOut.stdout}${twoOut.stderr}`.trim().split('\n')).to.have.length(2)

    const stamped = await s.occ(['logs', '--timestamps'])
    const lines = stamped.stdout.trim().split('\n')
    expect(lines).to.have.length(2)
    for (const line of lines) expect(line).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /)
    expect(lines[1]).to.match(new RegExp(`Z ${STOP_LINE}$`))
    expect(stamped.stderr).to.match(new RegExp(String.raw`^\S+Z ${SERVING.replaceAll(/[()]/g, String.raw`\$&`)}\n$`))

    const recent = await s.occ(['logs', '--since', since.toISOString()])
    expect({code: recent.code, stderr: recent.stderr, stdout: recent.stdout}).to.deep.equal({
      code: 0,
      stderr: '',
      stdout: `${STOP_LINE}\n`,
    })
    const unix = await s.occ(['logs', '--since', String(Math.ceil(since.getTime() / 1000))])
    expect({code: unix.code, stdout: unix.stdout}).to.deep.equal({code: 0, stdout: `${STOP_LINE}\n`})
    const duration = await s.occ(['logs', '--since', '10m'])
    expect({code: duration.code, stdout: duration.stdout}).to.deep.equal({
      code: 0,
      stdout: `${sandboxStartLine(WANTED)}\n${STOP_LINE}\n`,
    })
    const bad = await s.occ(['logs', '--since', 'yesterday'])
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('--since yesterday is not a time occ understands.')
  })

  it('-f follows the output and ends by itself when the sandbox stops', async () => {
    const s = sandbox()
    const id = await startedSandbox(s)
    const follow = startCli(['logs', '-f'], s.env)
    await follow.waitForStderr(/serving \/www/)
    const stopping = Date.now()
    await dockerd().getContainer(id).stop({t: 5})
    const result = await Promise.race([follow.done, sleep(10_000).then(() => undefined)])
    if (!result) follow.child.kill('SIGKILL')
    expect(result, 'logs -f ended when the sandbox stopped').to.not.equal(undefined)
    expect(result?.code, result?.stderr).to.equal(0)
    expect(result?.stdout).to.equal(`${sandboxStartLine(WANTED)}\n${STOP_LINE}\n`)
    expect(Date.now() - stopping).to.be.below(8000)
  })

  it('logs of a missing sandbox: an error saying there is none', async () => {
    const s = sandbox()
    const result = await s.occ(['logs'])
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.include(`There is no sandbox container (${SANDBOX}) on this engine.`)
  })
})
