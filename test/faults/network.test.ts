/**
 * Network faults between the engine (or occ itself) and a registry, injected by the proxy of
 * proxy.ts in front of the primary test registry: transient faults are retried away,
 * Retry-After is honoured within its cap, and a stalled transfer is abandoned for the next
 * repository without wedging the engine.
 */
import {expect} from 'chai'

import {pushImage, type PushedImage, readEnvironment, REPOSITORY, WANTED_VERSION} from '../env/index.js'
import {engine, imageId, type ImageHome, makeImageHome, removeSandboxImages} from '../integration/helpers/occ-image.js'
import {runCli} from '../integration/helpers/run-cli.js'
import {FaultProxy} from './proxy.js'
import {count, readRecordOf, STACK_TRACE} from './suite.js'

const MANIFESTS = /\/manifests\//

describe('faults: a bad network between occ and its registries', function () {
  this.timeout(120_000)
  const run = `faults-net-${process.pid}-${Date.now().toString(36)}`
  let proxy: FaultProxy
  let home: ImageHome
  let tests = 0

  /** A tag only this test pulls, with layers no other test has (so every blob crosses the proxy). */
  async function freshImage(
    registry: 'mirror' | 'primary' = 'primary',
    tag = `${run}-${++tests}`,
  ): Promise<PushedImage & {tag: string}> {
    const pushed = await pushImage(registry, REPOSITORY, tag, {
      layerBytes: 512 * 1024,
      layers: 3,
      seed: `${tag}-${registry}`,
      version: WANTED_VERSION,
    })
    return {...pushed, tag}
  }

  const viaProxy = () => `${proxy.address}/${REPOSITORY}`
  const pull = (tag: string, repositories: string[], extra: Record<string, string> = {}) => {
    count({runs: 1})
    return runCli(['image:pull', '--tag', tag], {
      env: home.envFor(repositories, {OCC_UPDATE_CHECK: 'never', ...extra}),
      timeoutMs: 100_000,
    })
  }

  before(async function () {
    proxy = await FaultProxy.start({target: readEnvironment().registries.primary})
  })

  beforeEach(async function () {
    await proxy.pass()
    proxy.resetStats()
    home = makeImageHome()
    await removeSandboxImages(engine())
  })

  afterEach(async function () {
    count({faults: proxy.stats().faultsInjected})
    home.remove()
  })

  after(async function () {
    await proxy?.close()
    await removeSandboxImages(engine())
  })

  it('recovers from 503 answers and a 429 with Retry-After on the manifest through its retries', async function () {
    const image = await freshImage()
    await proxy.setMode({count: 2, kind: 'status', path: MANIFESTS, status: 503})
    const first = await pull(image.tag, [viaProxy()])
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stderr).to.match(/retry|attempt/i)
    expect(proxy.stats().faults.status).to.equal(2)

    await removeSandboxImages(engine())
    await proxy.setMode({count: 1, kind: 'status', path: MANIFESTS, retryAfter: 1, status: 429})
    const second = await pull(image.tag, [viaProxy()])
    expect(second.code, second.stderr).to.equal(0)
    expect(proxy.stats().faults.status).to.equal(3)
    expect(readRecordOf(home)).to.include({
      image: `${viaProxy()}:${image.tag}`,
      image_id: image.configDigest,
      registry: proxy.address,
    })
  })

  it('recovers from a connection reset in the middle of a layer', async function () {
    const image = await freshImage()
    await proxy.setMode({afterBytes: 100_000, count: 2, kind: 'reset-mid-blob'})
    const result = await pull(image.tag, [viaProxy()])
    expect(result.code, result.stderr).to.equal(0)
    expect(proxy.stats().faults.reset).to.equal(2)
    expect(await imageId(engine(), 'opencode-cloud-sandbox:current')).to.equal(image.configDigest)
  })

  it('honours Retry-After in its own registry client (image:check), and retries 5xx there', async function () {
    const image = await freshImage()
    expect((await pull(image.tag, [viaProxy()])).code).to.equal(0)
    const check = async () => {
      count({runs: 1})
      const started = performance.now()
      const result = await runCli(['image:check', '--tag', image.tag, '--json'], {
        env: home.envFor([viaProxy()]),
        timeoutMs: 60_000,
      })
      return {ms: performance.now() - started, result}
    }

    proxy.resetStats()
    await proxy.setMode({count: 1, kind: 'status', path: MANIFESTS, retryAfter: 2, status: 429})
    const limited = await check()
    expect(limited.result.code, limited.result.stderr).to.equal(0)
    expect(JSON.parse(limited.result.stdout)).to.include({result: 'up-to-date'})
    expect(limited.ms, 'waited the 2 s the registry asked for').to.be.at.least(2000)
    const manifests = proxy
      .requests()
      .filter((request) => MANIFESTS.test(request.path))
      .map((request) => request.status)
    expect(manifests).to.deep.equal([429, 200])

    count({faults: proxy.stats().faultsInjected})
    proxy.resetStats()
    await proxy.setMode({count: 2, kind: 'status', path: MANIFESTS, status: 503})
    const failing = await check()
    expect(JSON.parse(failing.result.stdout)).to.include({result: 'up-to-date'})
    expect(
      proxy
        .requests()
        .filter((request) => MANIFESTS.test(request.path))
        .map((request) => request.status),
    ).to.deep.equal([503, 503, 200])
  })

  it('abandons a stalled transfer at the stall timeout for the next repository; engine not wedged', async function () {
    const tag = `${run}-stall`
    const primary = await freshImage('primary', tag)
    const mirror = await freshImage('mirror', tag)
    const mirrorRepository = `${readEnvironment().registries.mirror}/${REPOSITORY}`
    await proxy.setMode({afterBytes: 50_000, kind: 'stall', path: /\/blobs\//})
    const started = performance.now()
    const result = await pull(tag, [viaProxy(), mirrorRepository], {OCC_STALL_TIMEOUT_MS: '2000'})
    const seconds = (performance.now() - started) / 1000
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.include(`no progress for 2 s from ${proxy.address}`)
    expect(result.stderr).not.to.match(STACK_TRACE)
    expect(seconds, 'one stall bound, not one per attempt').to.be.below(15)
    expect(readRecordOf(home)).to.include({
      image_id: mirror.configDigest,
      registry: readEnvironment().registries.mirror,
    })
    expect(proxy.stats().faults.stall).to.be.at.least(1)

    // The engine may still hold the stalled download: a later pull through a healthy proxy must work.
    count({faults: proxy.stats().faultsInjected})
    await proxy.pass()
    proxy.resetStats()
    await removeSandboxImages(engine())
    const again = await pull(tag, [viaProxy()], {OCC_STALL_TIMEOUT_MS: '20000'})
    expect(again.code, again.stderr).to.equal(0)
    expect(readRecordOf(home)).to.include({image_id: primary.configDigest, registry: proxy.address})
  })

  it('says which repository stalled when every one does, with the registry exit code', async function () {
    const image = await freshImage()
    await proxy.setMode({kind: 'stall', path: /\/blobs\//})
    const result = await pull(image.tag, [viaProxy()], {OCC_STALL_TIMEOUT_MS: '1500'})
    expect(result.code).to.equal(5)
    expect(result.stderr).to.include(`${viaProxy()}: transfer stalled (no progress for 1.5 s from ${proxy.address})`)
    expect(result.stderr).not.to.match(STACK_TRACE)
    expect(readRecordOf(home)).to.equal(undefined)
  })
})
