import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {CURRENT, imageId, PREVIOUS} from './helpers/occ-image.js'
import {
  dockerd,
  jsonError,
  REPLACED,
  type SandboxHome,
  sandboxContainer,
  servedVersion,
  startedSandbox,
  useSandboxHome,
  WANTED,
  WORKSPACE_TARGET,
} from './helpers/occ-sandbox.js'
import {execIn} from './helpers/sandbox-container.js'

const MOVED = 'The running sandbox was recreated on the new image and is healthy (volumes and mounts kept).'
const CONTAINER_ENV = ['OCC_TEST_KEPT=yes']

/** Starts the sandbox with `env` and writes a file into its mount: the container's id. */
async function startedWithEnv(s: SandboxHome, env: Record<string, string>): Promise<string> {
  const id = await startedSandbox(s, env)
  writeFileSync(join(s.workspace, 'kept'), 'mounted\n')
  return id
}

/** What a recreated container must keep: env, mounts, the published port. */
async function keptSpec(s: SandboxHome, id: string): Promise<void> {
  const container = await dockerd().getContainer(id).inspect()
  expect(container.Config.Env).to.include.members(CONTAINER_ENV)
  expect(container.HostConfig.Binds).to.deep.equal([`${s.workspace}:${WORKSPACE_TARGET}`])
  expect(container.HostConfig.PortBindings).to.deep.equal({
    '3000/tcp': [{HostIp: '127.0.0.1', HostPort: String(s.port)}],
  })
  expect(
    (await execIn(dockerd().getContainer(id), ['/bin/busybox', 'cat', `${WORKSPACE_TARGET}/kept`])).output,
  ).to.include('mounted')
}

describe('occ image update and rollback with the sandbox running', function () {
  this.timeout(90_000)
  const sandbox = useSandboxHome()
  const env = {OCC_CONTAINER_ENV: JSON.stringify(CONTAINER_ENV)}

  it('update: the sandbox moves to the new image (serves it, env and mounts kept); rollback moves back', async () => {
    const s = sandbox()
    const first = await startedWithEnv(s, env)
    const newer = await s.push(WANTED, {version: '25.1.4'})

    const updated = await s.occ(['image', 'update'], env)
    expect(updated.code, updated.stderr).to.equal(0)
    expect(updated.stdout).to.include(MOVED)
    expect(await servedVersion(s.port)).to.equal('25.1.4')
    const moved = await sandboxContainer(dockerd())
    expect(moved?.Id).to.not.equal(first)
    expect(moved?.Image).to.equal(newer.configDigest)
    await keptSpec(s, moved?.Id ?? '')
    expect(s.record()).to.include({image_id: newer.configDigest, version: '25.1.4'})
    const status = JSON.parse((await s.occ(['status', '--json'], env)).stdout) as {
      runs_recorded_image: boolean
      health: string
    }
    expect(status).to.include({health: 'healthy', runs_recorded_image: true})
    expect(await sandboxContainer(dockerd(), REPLACED)).to.equal(undefined)

    const back = await s.occ(['image', 'rollback'], env)
    expect(back.code, back.stderr).to.equal(0)
    expect(back.stdout).to.include(MOVED)
    expect(await servedVersion(s.port)).to.equal(WANTED)
    const returned = await sandboxContainer(dockerd())
    expect(returned?.Image).to.equal(s.wanted?.configDigest)
    await keptSpec(s, returned?.Id ?? '')
  })

  it('update to a never-healthy image: rolled back, old sandbox serves again, record unchanged, exit 11', async () => {
    const s = sandbox()
    const first = await startedWithEnv(s, env)
    const recordBefore = s.record()
    const broken = await s.push(WANTED, {variant: 'never-healthy', version: '25.1.5'})

    const began = Date.now()
    const result = await s.occ(['image', 'update', '--json'], {...env, OCC_SANDBOX_READY_TIMEOUT_S: '4'})
    expect(result.code, result.stdout).to.equal(11)
    expect(Date.now() - began, 'bounded by OCC_SANDBOX_READY_TIMEOUT_S').to.be.below(20_000)
    const error = jsonError(result)
    expect(error.code).to.equal('sandbox_update_rolled_back')
    expect(error.message).to.include('The sandbox did not become ready: it was not healthy within 4 s')
    expect(error.message).to.include('Rolled back: the previous image is current again')
    expect(error.message).to.include('  | opencode sandbox stand-in 25.1.5 listening on 3000')

    expect(await servedVersion(s.port)).to.equal(WANTED)
    const after = await sandboxContainer(dockerd())
    expect(after?.Id, 'the old container runs again').to.equal(first)
    expect(after?.State.Running).to.equal(true)
    expect(after?.Image).to.equal(s.wanted?.configDigest)
    await keptSpec(s, first)
    expect(await sandboxContainer(dockerd(), REPLACED)).to.equal(undefined)
    expect(await imageId(dockerd(), CURRENT)).to.equal(s.wanted?.configDigest)
    expect(await imageId(dockerd(), PREVIOUS)).to.equal(broken.configDigest)
    const {previous: _previous, ...restored} = s.record() as NonNullable<ReturnType<SandboxHome['record']>> & {
      previous?: unknown
    }
    const {previous: _before, ...original} = recordBefore as NonNullable<ReturnType<SandboxHome['record']>> & {
      previous?: unknown
    }
    expect(restored).to.deep.equal(original)
    expect(readFileSync(join(s.workspace, 'kept'), 'utf8')).to.equal('mounted\n')
  })

  it('start --update, no terminal: moves the running sandbox to the new image without --yes; reports it', async () => {
    const s = sandbox()
    await startedWithEnv(s, env)
    const newer = await s.push(WANTED, {version: '25.1.4'})

    const result = await s.occ(['start', '--update', '--json'], env)
    expect(result.code, result.stdout + result.stderr).to.equal(0)
    const outcome = JSON.parse(result.stdout) as {action: string; image_id: string; update: {action: string}}
    expect(outcome.update.action).to.equal('pull')
    expect(outcome.image_id).to.equal(newer.configDigest)
    expect(await servedVersion(s.port)).to.equal('25.1.4')
    const moved = await sandboxContainer(dockerd())
    expect(moved?.Image).to.equal(newer.configDigest)
    await keptSpec(s, moved?.Id ?? '')
    expect(s.record()).to.include({image_id: newer.configDigest, version: '25.1.4'})
  })
})
