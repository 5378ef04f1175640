import {expect} from 'chai'
import {createServer, type Server} from 'node:net'
import {join} from 'node:path'

import {sandboxStartLine} from '../env/index.js'
import {waitUntil} from '../env/system.js'
import {createSandboxContainer} from './helpers/sandbox-container.js'
import {enginePull} from './helpers/engine-pull.js'
import {startCli} from './helpers/occ-image.js'
import {
  dockerd,
  jsonError,
  managedContainers,
  SANDBOX,
  sandboxContainer,
  sandboxVolumes,
  servedVersion,
  startedSandbox,
  useSandboxHome,
  WANTED,
  WORKSPACE_TARGET,
} from './helpers/occ-sandbox.js'

interface StartJson {
  action: 'created' | 'recreated' | 'started' | 'unchanged'
  url: string
  container_id: string
  image_id: string
  record: {image: string; image_id: string; source: string; version: string} | null
  acquired: boolean
}

describe('occ start', function () {
  this.timeout(90_000)
  const sandbox = useSandboxHome()

  it('from nothing: pulls, records, creates and waits until healthy; a second start changes nothing', async () => {
    const s = sandbox()
    const first = await s.occ(['start'])
    expect(first.code, first.stderr).to.equal(0)
    const shown = new RegExp(
      String.raw`^Created and started the sandbox \(([0-9a-f]{12})\)\.\nReady at http://127\.0\.0\.1:${s.port}\n` +
        String.raw`  image v${WANTED} — prebuilt from ${s.repo.name.split('/')[0]}`,
    )
    expect(first.stdout).to.match(shown)
    expect(first.stderr).to.include(`Pulling sandbox image ${WANTED} from ${s.repo.name}`)

    // The URL answers, through the port published on 127.0.0.1, with the image's version.
    expect(await servedVersion(s.port)).to.equal(WANTED)
    const container = await sandboxContainer(dockerd())
    expect(container?.Id.slice(0, 12)).to.equal(shown.exec(first.stdout)?.[1])
    expect(container?.State.Running).to.equal(true)
    expect(container?.Image).to.equal(s.wanted?.configDigest)
    expect(container?.Config.Labels['org.opencode-cloud.managed']).to.equal('true')
    expect(JSON.parse(container?.Config.Labels['org.opencode-cloud.spec'] ?? '{}')).to.include({
      bindAddress: '127.0.0.1',
      imageId: s.wanted?.configDigest,
      port: s.port,
    })
    expect(container?.HostConfig.PortBindings).to.deep.equal({
      '3000/tcp': [{HostIp: '127.0.0.1', HostPort: String(s.port)}],
    })
    expect(container?.HostConfig.Binds).to.deep.equal([`${s.workspace}:${WORKSPACE_TARGET}`])
    // The data paths no mount covers live in named volumes.
    expect(await sandboxVolumes(dockerd())).to.deep.equal(
      ['cache', 'config', 'share', 'ssh', 'state'].map((purpose) => `${SANDBOX}-${purpose}`),
    )
    expect(s.record()).to.include({
      image: `${s.repo.name}:${WANTED}`,
      image_id: s.wanted?.configDigest,
      source: 'prebuilt',
      version: WANTED,
    })

    const second = await s.occ(['start', '--json'])
    expect(second.code, second.stderr).to.equal(0)
    const outcome = JSON.parse(second.stdout) as StartJson
    expect(outcome).to.deep.include({
      acquired: false,
      action: 'unchanged',
      container_id: container?.Id,
      image_id: s.wanted?.configDigest,
      url: `http://127.0.0.1:${s.port}`,
    })
    expect(outcome.record).to.include({image_id: s.wanted?.configDigest, version: WANTED})
    const after = await sandboxContainer(dockerd())
    expect(after?.Id).to.equal(container?.Id)
    expect(after?.State.StartedAt, 'not restarted').to.equal(container?.State.StartedAt)
  })

  it('starts a stopped sandbox again (action started, same container)', async () => {
    const s = sandbox()
    const created = JSON.parse((await s.occ(['start', '--json'])).stdout) as StartJson
    expect(created).to.include({acquired: true, action: 'created'})
    await dockerd().getContainer(SANDBOX).stop({t: 1})
    const started = await s.occ(['start'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stdout).to.match(
      new RegExp(String.raw`^Started the sandbox \(${created.container_id.slice(0, 12)}\)\.\n`),
    )
    expect(await servedVersion(s.port)).to.equal(WANTED)
  })

  it('current re-tagged by hand after the record: refused (exit 8), sandbox untouched; pull fixes it', async () => {
    const s = sandbox()
    const id = await startedSandbox(s)
    const other = await s.push('other', {version: '9.9.9'})
    await enginePull(dockerd(), other.reference)
    await dockerd().getImage(other.reference).tag({repo: SANDBOX, tag: 'current'})

    const refused = await s.occ(['start', '--json'])
    expect(refused.code, refused.stdout).to.equal(8)
    const error = jsonError(refused)
    expect(error.code).to.equal('image_not_recorded')
    expect(error.message).to.include(`${SANDBOX}:current`).and.include(other.configDigest.slice(7, 19))
    expect(error.suggestion).to.include('occ image pull')
    const after = await sandboxContainer(dockerd())
    expect({id: after?.Id, image: after?.Image, running: after?.State.Running}).to.deep.equal({
      id,
      image: s.wanted?.configDigest,
      running: true,
    })

    const pulled = await s.occ(['image', 'pull'])
    expect(pulled.code, pulled.stderr).to.equal(0)
    const again = await s.occ(['start', '--json'])
    expect(again.code, again.stderr).to.equal(0)
    expect(JSON.parse(again.stdout)).to.include({action: 'unchanged', container_id: id})
  })

  describe('refuses what it cannot make, before anything changes', () => {
    let server: Server | undefined
    afterEach(
      () =>
        new Promise<void>((resolve) => {
          if (server) server.close(() => resolve())
          else resolve()
          server = undefined
        }),
    )

    it('a port in use on 127.0.0.1: names the address and port, leaves no container', async () => {
      const s = sandbox()
      const listening = createServer()
      server = listening
      await new Promise<void>((resolve) => {
        listening.listen(s.port, '127.0.0.1', resolve)
      })
      const result = await s.occ(['start', '--json'])
      expect(result.code, result.stdout).to.equal(12)
      const error = jsonError(result)
      expect(error.code).to.equal('sandbox_port_in_use')
      expect(error.message).to.include(`Port ${s.port} on 127.0.0.1 is already in use`)
      expect(await sandboxContainer(dockerd())).to.equal(undefined)

      const text = await s.occ(['start'])
      expect(text.code).to.equal(12)
      expect(text.stderr).to.include(`Error: Port ${s.port} on 127.0.0.1 is already in use`)
    })

    it('a user mount whose host directory is missing: names the entry, makes no container', async () => {
      const s = sandbox()
      const missing = join(s.home.dir, 'not-there')
      const entry = `${missing}:${WORKSPACE_TARGET}`
      const result = await s.occ(['start', '--json'], {OCC_MOUNTS: JSON.stringify([entry])})
      expect(result.code, result.stdout).to.equal(12)
      const error = jsonError(result)
      expect(error.code).to.equal('sandbox_mount_missing')
      expect(error.message).to.include(`"${entry}"`)
      expect(await sandboxContainer(dockerd())).to.equal(undefined)
    })

    it('non-loopback bind, no users or allow_unauthenticated_network: refused (says which), no change', async () => {
      const s = sandbox()
      const result = await s.occ(['start', '--json'], {OCC_BIND_ADDRESS: '0.0.0.0'})
      expect(result.code, result.stdout).to.equal(12)
      const error = jsonError(result)
      expect(error.code).to.equal('sandbox_exposed')
      expect(error.message).to.include('bind_address 0.0.0.0')
      expect(error.suggestion).to.include('users').and.include('allow_unauthenticated_network')
      expect(await sandboxContainer(dockerd())).to.equal(undefined)
      expect(s.record(), 'nothing pulled').to.equal(null)
    })

    it("a container by the sandbox's name that occ did not make: refused, and left exactly as it was", async () => {
      const s = sandbox()
      await enginePull(dockerd(), s.wanted?.reference ?? '')
      const foreign = await createSandboxContainer(dockerd(), s.wanted?.reference ?? '', {name: SANDBOX})
      const before = await foreign.inspect()
      for (const args of [
        ['start', '--json'],
        ['stop', '--json'],
        ['status', '--json'],
      ]) {
        const result = await s.occ(args)
        expect(result.code, `${args.join(' ')}: ${result.stdout}`).to.equal(12)
        expect(jsonError(result).code).to.equal('sandbox_name_taken')
      }

      const after = await foreign.inspect()
      expect({id: after.Id, running: after.State.Running}).to.deep.equal({id: before.Id, running: false})
    })
  })

  describe('an image that does not become ready', () => {
    it('never healthy: fails within --timeout with the last lines of its output (exit 11)', async () => {
      const s = sandbox()
      await s.push(WANTED, {variant: 'never-healthy', version: WANTED})
      const began = Date.now()
      const result = await s.occ(['start', '--timeout', '5'])
      const took = Date.now() - began
      expect(result.code, result.stderr).to.equal(11)
      expect(result.stderr).to.include('The sandbox did not become ready: it was not healthy within 5 s')
      expect(result.stderr).to.include('Last lines of its output:')
      expect(result.stderr).to.include(`  | ${sandboxStartLine(WANTED)}`)
      expect(result.stderr).to.include(`  | opencode sandbox stand-in ${WANTED} (never-healthy): serving /www`)
      expect(took, 'bounded by --timeout (plus the pull)').to.be.below(12_000)
    })

    it('exits at once: fails fast, well under the timeout, naming its exit code (exit 11)', async () => {
      const s = sandbox()
      await s.push(WANTED, {variant: 'exits', version: WANTED})
      const began = Date.now()
      const result = await s.occ(['start', '--timeout', '60', '--json'])
      const took = Date.now() - began
      expect(result.code, result.stdout).to.equal(11)
      const error = jsonError(result)
      expect(error.code).to.equal('sandbox_not_ready')
      expect(error.message).to.include('The sandbox did not become ready: it exited with code 3')
      expect(error.message).to.include(`  | opencode sandbox stand-in ${WANTED} (exits): failing at start-up`)
      expect(error.message).to.include(`  | opencode sandbox stand-in ${WANTED}: exiting with code 3`)
      expect(took).to.be.below(10_000)
    })
  })

  describe('at the same time, and interrupted', () => {
    it('two parallel starts make one container: both succeed with the same container id', async () => {
      const s = sandbox()
      const [a, b] = await Promise.all([s.occ(['start', '--json']), s.occ(['start', '--json'])])
      expect(a.code, a.stdout + a.stderr).to.equal(0)
      expect(b.code, b.stdout + b.stderr).to.equal(0)
      const [first, second] = [JSON.parse(a.stdout) as StartJson, JSON.parse(b.stdout) as StartJson]
      expect(first.container_id).to.equal(second.container_id)
      expect([first.action, second.action].sort()).to.deep.equal(['created', 'unchanged'])
      const containers = await managedContainers(dockerd())
      expect(containers.map((container) => container.Id)).to.deep.equal([first.container_id])
      expect(await servedVersion(s.port)).to.equal(WANTED)
    })

    it('Ctrl-C while waiting for readiness: exit 130, no container left behind', async () => {
      const s = sandbox()
      await s.push(WANTED, {variant: 'never-healthy', version: WANTED})
      const run = startCli(['start', '--timeout', '60'], s.env)
      const created = await waitUntil(async () => (await sandboxContainer(dockerd()))?.State.Running === true, 20_000)
      expect(created, 'the container was created and started').to.equal(true)
      run.child.kill('SIGINT')
      const result = await run.done
      expect(result.code, result.stderr).to.equal(130)
      expect(result.stderr).to.include('Interrupted')
      expect(await sandboxContainer(dockerd()), 'no half-made container').to.equal(undefined)
    })
  })
})
