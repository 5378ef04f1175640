import {expect} from 'chai'

import {readEnvironment} from '../env/environment.js'
import {engineAt, jsonError, sandboxContainer, servedVersion, useSandboxHome, WANTED} from './helpers/occ-sandbox.js'

/** podman's Docker-compatible API (test/env/podman.ts): it runs no health checks without systemd. */
function podmanHost(): string {
  const host = process.env.OCC_TEST_PODMAN_HOST
  if (!host) throw new Error('OCC_TEST_PODMAN_HOST is not set')
  return host
}

describe('the sandbox on podman (DOCKER_HOST=$OCC_TEST_PODMAN_HOST)', function () {
  this.timeout(90_000)

  before(function () {
    const env = readEnvironment()
    if (env.podman) return
    // Only outside CI does the environment start without podman (podmanSkipped says why); under
    // CI=true it is a failure.
    if (process.env.CI === 'true')
      throw new Error(`podman is not running in the test environment: ${env.podmanSkipped ?? 'no record'}`)
    this.skip()
  })

  const sandbox = useSandboxHome({dockerHost: podmanHost})
  const podman = () => engineAt(podmanHost())

  it('image pull and image state work against it', async () => {
    const s = sandbox()
    const pulled = await s.occ(['image', 'pull'])
    expect(pulled.code, pulled.stderr).to.equal(0)
    expect(s.record()).to.include({image_id: s.wanted?.configDigest, version: WANTED})
    const state = await s.occ(['image', 'state'])
    expect(state.code, state.stderr).to.equal(0)
    expect(state.stdout).to.include(`Engine ${podmanHost()}: ok (opencode-cloud-sandbox:current is this image).`)
  })

  it("start, status, stop: ready through exec of the image's health test (podman never runs it)", async () => {
    const s = sandbox()
    const started = await s.occ(['start', '--json', '--timeout', '30'])
    expect(started.code, started.stdout + started.stderr).to.equal(0)
    const outcome = JSON.parse(started.stdout) as {action: string; container_id: string}
    expect(outcome.action).to.equal('created')
    expect(await servedVersion(s.port)).to.equal(WANTED)
    expect((await sandboxContainer(podman()))?.State.Health?.Status, 'podman runs no health check').to.equal('starting')

    const status = await s.occ(['status', '--json'])
    expect(JSON.parse(status.stdout)).to.include({
      container_id: outcome.container_id,
      health: 'healthy',
      runs_recorded_image: true,
      state: 'running',
    })
    expect(status.code).to.equal(0)
    expect((await s.occ(['status', '-q'])).code).to.equal(0)
    const again = await s.occ(['start', '--json'])
    expect(JSON.parse(again.stdout)).to.include({action: 'unchanged', container_id: outcome.container_id})

    const stopped = await s.occ(['stop', '-t', '5'])
    expect({code: stopped.code, stdout: stopped.stdout}).to.deep.equal({code: 0, stdout: 'Stopped the sandbox.\n'})
    expect((await s.occ(['status', '-q'])).code).to.equal(21)
    expect((await s.occ(['stop'])).stdout).to.equal('The sandbox was not running.\n')
    expect((await s.occ(['stop', '--remove'])).stdout).to.equal(
      'Removed the sandbox container; its volumes are kept.\n',
    )
    expect((await s.occ(['status', '-q'])).code).to.equal(22)
  })

  it('an image whose health test fails is not ready on podman either (an open web port is not enough)', async () => {
    const s = sandbox()
    await s.push(WANTED, {variant: 'never-healthy', version: WANTED})
    const result = await s.occ(['start', '--json', '--timeout', '4'])
    expect(result.code, result.stdout).to.equal(11)
    expect(jsonError(result).message).to.include('The sandbox did not become ready: it was not healthy within 4 s')
  })
})
