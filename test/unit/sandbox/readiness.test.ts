import {expect} from 'chai'

import type {ContainerDetails} from '../../../src/lib/docker/engine.js'
import {healthTestOf, waitUntilReady} from '../../../src/lib/sandbox/readiness.js'
import {FakeEngine} from '../helpers/fake-engine.js'

const TEST = ['CMD', '/bin/busybox', 'wget', '-q', '-O-', 'http://127.0.0.1:3000/global/health']

/** A running container whose engine never runs its health check (podman without systemd): health stays "starting". */
function podmanLike(healthTestPasses: boolean, test: null | string[] = TEST): {engine: FakeEngine; id: string} {
  const image = healthTestPasses ? 'passing' : 'failing'
  const engine = new FakeEngine({[image]: healthTestPasses ? 'unchecked-passing' : 'unchecked-failing'})
  if (test !== null) engine.healthchecks[image] = test
  const id = engine.add('sandbox', image, {})
  return {engine, id}
}

const signal = new AbortController().signal
const answering = {kind: 'http', probe: async () => true} as const

describe('waitUntilReady: readiness that does not depend on the engine running health checks', () => {
  it("runs the container's own health test even if the image showed none (podman image inspect omits it)", async () => {
    const {engine, id} = podmanLike(true)
    expect(
      await waitUntilReady(engine, id, {
        check: {kind: 'http', probe: async () => false},
        deadline: Date.now() + 2000,
        signal,
      }),
    ).to.equal(undefined)
    expect(engine.execs[0]).to.deep.equal(TEST.slice(1))
  })

  it('a failing health test is not ready although the web port answers', async () => {
    const {engine, id} = podmanLike(false)
    expect(await waitUntilReady(engine, id, {check: answering, deadline: Date.now() + 800, signal})).to.deep.equal({
      kind: 'timeout',
      lastHealth: 'starting',
    })
  })

  it('a container without a health test falls back to the check it was given', async () => {
    const {engine, id} = podmanLike(false, null)
    expect(await waitUntilReady(engine, id, {check: answering, deadline: Date.now() + 800, signal})).to.equal(undefined)
    expect(engine.execs).to.deep.equal([])
  })

  it("healthTestOf reads a container's config as well as an image's", () => {
    expect(
      healthTestOf({Config: {Healthcheck: {Test: ['CMD-SHELL', 'curl -f localhost']}}} as unknown as Pick<
        ContainerDetails,
        'Config'
      >),
    ).to.deep.equal(['/bin/sh', '-c', 'curl -f localhost'])
    expect(
      healthTestOf({Config: {Healthcheck: {Test: ['NONE']}}} as unknown as Pick<ContainerDetails, 'Config'>),
    ).to.equal(undefined)
  })
})
