/** The fault-injecting proxy itself (test/faults/proxy.ts), in front of the primary test registry. */
import {expect} from 'chai'
import {createHash} from 'node:crypto'
import {Agent, get, type IncomingHttpHeaders} from 'node:http'

import {buildImage, type BuiltImage} from '../env/image.js'
import {
  deleteImage,
  readEnvironment,
  REPOSITORY,
  RegistryClient,
  type TestEnvironment,
  WANTED_VERSION,
} from '../env/index.js'
import {useTestEngine} from '../integration/helpers/test-engine.js'
import {FaultProxy, type FaultProxyStats, type InjectedStatus} from './proxy.js'
import {count} from './suite.js'

interface Fetched {
  status?: number
  headers?: IncomingHttpHeaders
  body: Buffer
  /** The client's error code (ECONNRESET, ECONNREFUSED, …), if the exchange failed. */
  error?: string
  /** The client's idle timeout fired (nothing received for `idleMs`). */
  timedOut: boolean
  ms: number
}

/** GET over plain HTTP, never throwing: what a registry client would see. */
function fetchRaw(
  address: string,
  path: string,
  {agent, idleMs = 10_000}: {agent?: Agent; idleMs?: number} = {},
): Promise<Fetched> {
  const [host, port] = address.split(':')
  const started = performance.now()
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const result: Fetched = {body: Buffer.alloc(0), ms: 0, timedOut: false}
    let done = false
    const finish = (error?: NodeJS.ErrnoException): void => {
      if (done) return
      done = true
      if (error) result.error = error.code ?? error.message
      result.body = Buffer.concat(chunks)
      result.ms = performance.now() - started
      resolve(result)
    }
    const request = get(
      {agent: agent ?? false, headers: {Accept: MANIFEST_ACCEPT}, host, path, port: Number(port)},
      (response) => {
        result.status = response.statusCode
        result.headers = response.headers
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', finish)
        response.on('end', () => finish())
      },
    )
    request.setTimeout(idleMs, () => {
      result.timedOut = true
      request.destroy()
      finish()
    })
    request.on('error', finish)
  })
}

const MANIFEST_ACCEPT =
  'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

function sumFaults(stats: FaultProxyStats): number {
  return Object.values(stats.faults).reduce((sum, count) => sum + count, 0)
}

describe('fault proxy (test/faults/proxy.ts)', function () {
  this.timeout(60_000)
  // Runs may share one environment: a tag and content unique to this run.
  const run = `faults-proxy-${process.pid}-${Date.now().toString(36)}`
  const LAYER_BYTES = 256 * 1024
  let env: TestEnvironment
  let proxy: FaultProxy
  let image: BuiltImage
  let blobPath: string
  let blob: {digest: string; size: number}
  const totals = {faults: 0, requests: 0}

  before(async function () {
    env = readEnvironment()
    proxy = await FaultProxy.start({target: env.registries.primary})
    image = await buildImage({layerBytes: LAYER_BYTES, layers: 2, seed: run, version: WANTED_VERSION})
    blob = {digest: image.layers[0].digest, size: image.layers[0].size}
    blobPath = `/v2/${REPOSITORY}/blobs/${blob.digest}`
    await new RegistryClient({address: env.registries.primary}).pushImage(REPOSITORY, run, image)
  })

  beforeEach(async function () {
    await proxy.pass()
    proxy.resetStats()
  })

  afterEach(function () {
    const stats = proxy.stats()
    totals.faults += stats.faultsInjected
    totals.requests += Object.values(stats.requests).reduce((sum, count) => sum + count, 0)
  })

  after(async function () {
    await proxy?.close()
    for (const tag of [run, `${run}-push`]) await deleteImage('primary', REPOSITORY, tag).catch(() => undefined)
    console.log(`      fault proxy: ${totals.faults} faults injected over ${totals.requests} requests`)
    count({faults: totals.faults})
  })

  it('forwards a push (uploads, Location back to the proxy) and serves blobs byte for byte', async function () {
    const pushed = await buildImage({layerBytes: 64 * 1024, layers: 2, seed: `${run}-push`, version: WANTED_VERSION})
    await new RegistryClient({address: proxy.address}).pushImage(REPOSITORY, `${run}-push`, pushed)
    expect(
      await new RegistryClient({address: env.registries.primary}).manifestDigest(REPOSITORY, `${run}-push`),
    ).to.equal(pushed.manifest.digest)
    const ping = await fetchRaw(proxy.address, '/v2/')
    expect(ping.status).to.equal(200)
    expect(ping.headers?.['docker-distribution-api-version']).to.equal('registry/2.0')
    const fetched = await fetchRaw(proxy.address, blobPath)
    expect(fetched.status).to.equal(200)
    expect(fetched.body.length).to.equal(blob.size)
    expect(sha256(fetched.body)).to.equal(blob.digest)
    const stats = proxy.stats()
    expect(stats.faultsInjected).to.equal(0)
    expect(stats.requests.pass).to.be.at.least(6) // HEAD/POST/PUT per blob, the manifest, /v2/, the blob
    expect(stats.bytesUp).to.be.at.least(2 * 64 * 1024)
    expect(stats.bytesDown).to.be.at.least(blob.size)
    expect(stats.upstreamErrors).to.equal(0)
  })

  it('keeps per-request modes on one keep-alive connection', async function () {
    const agent = new Agent({keepAlive: true, maxSockets: 1})
    try {
      await proxy.setMode({count: 1, kind: 'status', path: /\/blobs\//, status: 503})
      const ping = await fetchRaw(proxy.address, '/v2/', {agent})
      const faulted = await fetchRaw(proxy.address, blobPath, {agent})
      const passed = await fetchRaw(proxy.address, blobPath, {agent})
      expect([ping.status, faulted.status, passed.status]).to.deep.equal([200, 503, 200])
      expect(proxy.stats().connections).to.equal(1)
      expect(proxy.requests().map((request) => request.fault ?? '-')).to.deep.equal(['-', 'status', '-'])
    } finally {
      agent.destroy()
    }
  })

  it('refuse (reset): accepts, resets each connection: a client sees ECONNRESET; pass serves again', async function () {
    await proxy.setMode({kind: 'refuse'})
    const first = await fetchRaw(proxy.address, '/v2/')
    const second = await fetchRaw(proxy.address, '/v2/')
    expect(first.error).to.equal('ECONNRESET')
    expect(second.error).to.equal('ECONNRESET')
    expect(first.status).to.equal(undefined)
    expect(proxy.stats().faults.refuse).to.equal(2)
    await proxy.pass()
    expect((await fetchRaw(proxy.address, '/v2/')).status).to.equal(200)
  })

  it('refuse (unlisten): closes the listener (ECONNREFUSED); pass listens again on the same port', async function () {
    const port = proxy.port
    await proxy.setMode({how: 'unlisten', kind: 'refuse'})
    expect((await fetchRaw(proxy.address, '/v2/')).error).to.equal('ECONNREFUSED')
    await proxy.pass()
    expect(proxy.port).to.equal(port)
    expect((await fetchRaw(proxy.address, '/v2/')).status).to.equal(200)
  })

  it('reset-mid-blob: manifests pass; a blob gets headers, N bytes, ECONNRESET; next blob passes', async function () {
    await proxy.setMode({afterBytes: 10_000, count: 1, kind: 'reset-mid-blob'})
    const manifest = await fetchRaw(proxy.address, `/v2/${REPOSITORY}/manifests/${run}`)
    expect(manifest.status).to.equal(200)
    expect(manifest.headers?.['docker-content-digest']).to.equal(image.manifest.digest)
    const cut = await fetchRaw(proxy.address, blobPath)
    expect(cut.status).to.equal(200)
    expect(cut.headers?.['content-length']).to.equal(String(blob.size))
    expect(cut.error).to.equal('ECONNRESET')
    expect(cut.timedOut).to.equal(false)
    expect(cut.body.length).to.equal(10_000)
    const whole = await fetchRaw(proxy.address, blobPath)
    expect(sha256(whole.body)).to.equal(blob.digest)
    const stats = proxy.stats()
    expect(stats.faults.reset).to.equal(1)
    expect(stats.requests['reset-mid-blob']).to.equal(3)
    expect(proxy.faultsLeft).to.equal(0)
  })

  it('stall: reads a blob request, never answers: the client idle timeout fires; other paths pass', async function () {
    await proxy.setMode({kind: 'stall', path: /\/blobs\//})
    expect((await fetchRaw(proxy.address, '/v2/')).status).to.equal(200)
    const stalled = await fetchRaw(proxy.address, blobPath, {idleMs: 400})
    expect(stalled.timedOut).to.equal(true)
    expect(stalled.status).to.equal(undefined)
    expect(stalled.ms).to.be.within(350, 2000)
    expect(proxy.stats().faults.stall).to.equal(1)
  })

  it('stall after N bytes: the response starts, then goes silent mid-body', async function () {
    await proxy.setMode({afterBytes: 5000, kind: 'stall', path: /\/blobs\//})
    const stalled = await fetchRaw(proxy.address, blobPath, {idleMs: 400})
    expect(stalled.status).to.equal(200)
    expect(stalled.timedOut).to.equal(true)
    expect(stalled.body.length).to.equal(5000)
    expect(proxy.stats().faults.stall).to.equal(1)
  })

  it('status: answers the next K matching requests with 503 and Retry-After, then passes', async function () {
    await proxy.setMode({count: 2, kind: 'status', path: /\/blobs\//, retryAfter: 2, status: 503})
    expect((await fetchRaw(proxy.address, '/v2/')).status).to.equal(200)
    const answers = [
      await fetchRaw(proxy.address, blobPath),
      await fetchRaw(proxy.address, blobPath),
      await fetchRaw(proxy.address, blobPath),
    ]
    expect(answers.map((answer) => answer.status)).to.deep.equal([503, 503, 200])
    expect(answers[0].headers?.['retry-after']).to.equal('2')
    const error = JSON.parse(answers[0].body.toString('utf8')) as {errors: {code: string}[]}
    expect(error.errors[0].code).to.equal('UNAVAILABLE')
    expect(sha256(answers[2].body)).to.equal(blob.digest)
    expect(proxy.stats().faults.status).to.equal(2)
  })

  it('status: 500, 502 and 429 (with an HTTP-date Retry-After) on any path', async function () {
    const date = new Date(Date.now() + 3000).toUTCString()
    const seen: {status?: number; retryAfter?: string}[] = []
    for (const status of [500, 502, 429] as InjectedStatus[]) {
      await proxy.setMode({kind: 'status', retryAfter: status === 429 ? date : undefined, status})
      const answer = await fetchRaw(proxy.address, '/v2/')
      seen.push({retryAfter: answer.headers?.['retry-after'], status: answer.status})
    }
    expect(seen).to.deep.equal([
      {retryAfter: undefined, status: 500},
      {retryAfter: undefined, status: 502},
      {retryAfter: date, status: 429},
    ])
    expect((await fetchRaw(proxy.address, '/v2/')).status).to.equal(200)
    const stats = proxy.stats()
    expect(stats.faults.status).to.equal(3)
    expect(stats.faultsInjected).to.equal(3)
  })

  it('throttle: response bodies arrive at the set rate (±25 %)', async function () {
    const bytesPerSecond = 200 * 1024
    await proxy.setMode({bytesPerSecond, kind: 'throttle'})
    const fetched = await fetchRaw(proxy.address, blobPath)
    expect(sha256(fetched.body)).to.equal(blob.digest)
    // The first slice (a tenth of a second's worth) leaves at once.
    const expectedMs = ((blob.size - bytesPerSecond / 10) / bytesPerSecond) * 1000
    expect(fetched.ms).to.be.within(expectedMs * 0.75, expectedMs * 1.25 + 150)
    expect(proxy.stats().faults.throttle).to.equal(1)
  })

  it('counts every request by mode and every fault by kind', async function () {
    await proxy.setMode({count: 1, kind: 'status', status: 502})
    await fetchRaw(proxy.address, '/v2/')
    await fetchRaw(proxy.address, '/v2/')
    await proxy.setMode({kind: 'refuse'})
    await fetchRaw(proxy.address, '/v2/')
    await proxy.pass()
    await fetchRaw(proxy.address, '/v2/')
    const stats = proxy.stats()
    expect(stats.requests).to.deep.include({pass: 1, refuse: 0, status: 2})
    expect(stats.faults).to.deep.equal({refuse: 1, reset: 0, stall: 0, status: 1, throttle: 0})
    expect(stats.faultsInjected).to.equal(sumFaults(stats))
    expect(stats.connections).to.equal(4)
  })

  it('refuses a target off the loopback', async function () {
    let failure: unknown
    try {
      await FaultProxy.start({target: '10.0.0.1:5000'})
    } catch (error) {
      failure = error
    }
    expect(String(failure)).to.match(/loopback only/)
  })

  describe('with the real engine', function () {
    const {docker, pull} = useTestEngine()

    it(`pulls ${REPOSITORY}:${WANTED_VERSION} and a fresh image through the proxy in pass mode`, async function () {
      const seed = env.seeds.find((candidate) => candidate.registry === 'primary' && candidate.tag === WANTED_VERSION)
      const wanted = `${proxy.address}/${REPOSITORY}:${WANTED_VERSION}`
      await pull(wanted)
      expect((await docker().getImage(wanted).inspect()).Id).to.equal(seed?.configDigest)
      // This run's image has layers no one else pulled: the engine must fetch its blobs through us.
      const fresh = `${proxy.address}/${REPOSITORY}:${run}`
      await pull(fresh)
      expect((await docker().getImage(fresh).inspect()).Id).to.equal(image.config.digest)
      const requests = proxy.requests()
      expect(
        requests.some((request) => request.path.endsWith(`/manifests/${WANTED_VERSION}`) && request.status === 200),
      ).to.equal(true)
      const layerGets = requests.filter(
        (request) => request.method === 'GET' && image.layers.some((layer) => request.path.endsWith(layer.digest)),
      )
      expect(layerGets.map((request) => request.status)).to.deep.equal([200, 200])
      const stats = proxy.stats()
      expect(stats.faultsInjected).to.equal(0)
      expect(stats.upstreamErrors).to.equal(0)
    })
  })
})
