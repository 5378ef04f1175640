/** The test environment itself (test/env): engine, registries, seeds and the helpers tests rely on. */
import {expect} from 'chai'
import Docker from 'dockerode'
import {readFileSync} from 'node:fs'
import {connect} from 'node:net'
import {join} from 'node:path'

import {enginePing, engineTlsPing} from '../env/engine.js'
import {enginePull} from './helpers/engine-pull.js'
import {
  containerLogs,
  execIn,
  getPublished,
  healthStatus,
  publishedPort,
  waitForHealth,
} from './helpers/sandbox-container.js'
import {useTestEngine} from './helpers/test-engine.js'
import {
  bigImage,
  deleteImage,
  LABELS,
  pushImage,
  pushMultiArchIndex,
  pushSandbox,
  readEnvironment,
  REGISTRY_NAMES,
  registryRequests,
  remoteDigest,
  REPOSITORY,
  RegistryClient,
  SANDBOX_EXIT_CODE,
  SANDBOX_HEALTH_INTERVAL_MS,
  SANDBOX_HEALTH_TEST,
  SANDBOX_REPOSITORY,
  sandboxStartLine,
  type SandboxVariant,
  type TestEnvironment,
  WANTED_VERSION,
} from '../env/index.js'

function refusesConnections(address: string): Promise<string> {
  const [host, port] = address.split(':')
  return new Promise((resolve) => {
    const socket = connect({host, port: Number(port)})
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

describe('test environment (test/env)', function () {
  this.timeout(120_000)
  // Runs may share one environment: tags and content unique to this run keep them apart
  // (a delete by digest removes every tag on that manifest).
  const run = `${process.pid}-${Date.now().toString(36)}`
  let env: TestEnvironment
  const {docker, pull} = useTestEngine()

  before(function () {
    env = readEnvironment()
  })

  it('exports DOCKER_HOST and the registry addresses to the run', function () {
    expect(process.env.DOCKER_HOST).to.equal(env.dockerHost)
    expect(process.env.OCC_TEST_REGISTRY_PRIMARY).to.equal(env.registries.primary)
    expect(process.env.OCC_TEST_REGISTRY_MIRROR).to.equal(env.registries.mirror)
    expect(process.env.OCC_TEST_REGISTRY_AUTH).to.equal(env.registries.auth)
    expect(process.env.OCC_TEST_REGISTRY_DEAD).to.equal(env.registries.dead)
    expect(process.env.OCC_TEST_DOCKER_TLS_HOST).to.equal(env.tlsHost)
    expect(process.env.OCC_TEST_DOCKER_CERT_PATH).to.equal(env.certDir)
  })

  it('has an engine answering on its private socket', async function () {
    expect(env.dockerHost).to.match(/^unix:\/\//)
    expect(await enginePing(env.dockerHost)).to.equal(true)
    const info = (await docker().info()) as {Driver: string}
    expect(info.Driver).to.equal(env.storageDriver)
  })

  it('has the same engine on TCP with TLS, for clients holding the exported certificates only', async function () {
    expect(env.tlsHost).to.match(/^tcp:\/\/127\.0\.0\.1:\d+$/)
    expect(await engineTlsPing(env.tlsHost, env.certDir)).to.equal(true)
    const {port} = new URL(env.tlsHost.replace(/^tcp:/, 'https:'))
    const pem = (name: string) => readFileSync(join(env.certDir, name))
    const overTls = new Docker({
      ca: pem('ca.pem'),
      cert: pem('cert.pem'),
      host: '127.0.0.1',
      key: pem('key.pem'),
      port,
      protocol: 'https',
    })
    expect(((await overTls.info()) as {ID: string}).ID).to.equal(((await docker().info()) as {ID: string}).ID)
    // Without a client certificate the engine refuses the handshake.
    const anonymous = new Docker({ca: pem('ca.pem'), host: '127.0.0.1', port, protocol: 'https'})
    expect(
      await anonymous.ping().then(
        () => 'answered',
        () => 'refused',
      ),
    ).to.equal('refused')
  })

  it('seeds the version package.json wants in the primary registry', function () {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {opencodeCloud: {sandboxVersion: string}}
    expect(pkg.opencodeCloud.sandboxVersion).to.equal(WANTED_VERSION)
    expect(env.seeds.some((seed) => seed.registry === 'primary' && seed.tag === WANTED_VERSION)).to.equal(true)
  })

  it('serves every seeded tag at its recorded digest', async function () {
    for (const seed of env.seeds) {
      expect(await remoteDigest(seed.registry, REPOSITORY, seed.tag), `${seed.registry} ${seed.tag}`).to.equal(
        seed.digest,
      )
    }
    for (const name of REGISTRY_NAMES) {
      const tags = await new RegistryClient({
        address: env.registries[name],
        credentials: name === 'auth' ? env.auth : undefined,
      }).tags(REPOSITORY)
      expect(tags).to.include.members(env.seeds.filter((seed) => seed.registry === name).map((seed) => seed.tag))
    }
    const primary = env.seeds.find((seed) => seed.registry === 'primary' && seed.tag === '25.1.3')
    const mirror = env.seeds.find((seed) => seed.registry === 'mirror' && seed.tag === '25.1.3')
    expect(primary?.configDigest).to.be.a('string').and.not.equal(mirror?.configDigest)
    expect(await remoteDigest('primary', REPOSITORY, 'mirror-only')).to.equal(undefined)
  })

  it('makes the auth registry refuse anonymous and wrong credentials, and accept its own', async function () {
    const url = `http://${env.registries.auth}/v2/${REPOSITORY}/tags/list`
    const anonymous = await fetch(url)
    expect(anonymous.status).to.equal(401)
    expect(anonymous.headers.get('www-authenticate')).to.match(/^Basic /)
    const basic = (password: string) => ({
      Authorization: `Basic ${Buffer.from(`${env.auth.username}:${password}`).toString('base64')}`,
    })
    expect((await fetch(url, {headers: basic('wrong')})).status).to.equal(401)
    const good = await fetch(url, {headers: basic(env.auth.password)})
    expect(good.status).to.equal(200)
    expect(((await good.json()) as {tags: string[]}).tags).to.include('25.1.3')
  })

  it('has a dead address that refuses connections', async function () {
    expect(await refusesConnections(env.registries.dead)).to.equal('ECONNREFUSED')
  })

  it('pulls a seed through the engine with its labels, image id and repo digest', async function () {
    const seed = env.seeds.find((candidate) => candidate.registry === 'primary' && candidate.tag === WANTED_VERSION)!
    await pull(seed.reference)
    const image = await docker().getImage(seed.reference).inspect()
    expect(image.Id).to.equal(seed.configDigest)
    expect(image.RepoDigests).to.include(`${env.registries.primary}/${REPOSITORY}@${seed.digest}`)
    expect(image.Config.Labels).to.include({
      [LABELS.version]: WANTED_VERSION,
      [LABELS.ociVersion]: WANTED_VERSION,
      [LABELS.seed]: seed.seed,
      [LABELS.registry]: 'primary',
    })
    expect(image.Os).to.equal('linux')
    expect(image.Architecture).to.equal('amd64')
    expect(image.RootFS.Layers).to.have.length(seed.layers)
  })

  it('pulls from the auth registry only with credentials', async function () {
    const seed = env.seeds.find((candidate) => candidate.registry === 'auth')!
    let anonymousError: unknown
    await enginePull(docker(), seed.reference).catch((error) => {
      anonymousError = error
    })
    expect(String(anonymousError)).to.match(/no basic auth credentials|unauthorized|authentication required/i)
    await pull(seed.reference, {...env.auth, serveraddress: env.registries.auth})
    expect((await docker().getImage(seed.reference).inspect()).Id).to.equal(seed.configDigest)
  })

  it('pushes a new image under an existing tag (digest changes) and deletes it', async function () {
    const tag = `env-test-moving-${run}`
    const first = await pushImage('mirror', REPOSITORY, tag, {seed: `env-test-a-${run}`, version: '9.9.0', layers: 2})
    expect(await remoteDigest('mirror', REPOSITORY, tag)).to.equal(first.digest)
    const again = await pushImage('mirror', REPOSITORY, tag, {seed: `env-test-a-${run}`, version: '9.9.0', layers: 2})
    expect(again.digest, 'same spec, same digest').to.equal(first.digest)
    const second = await pushImage('mirror', REPOSITORY, tag, {seed: `env-test-b-${run}`, version: '9.9.1', layers: 2})
    expect(second.digest).to.not.equal(first.digest)
    expect(second.configDigest).to.not.equal(first.configDigest)
    expect(await remoteDigest('mirror', REPOSITORY, tag)).to.equal(second.digest)
    expect(await deleteImage('mirror', REPOSITORY, tag)).to.equal(second.digest)
    expect(await remoteDigest('mirror', REPOSITORY, tag)).to.equal(undefined)
  })

  it('pushes a multi-arch index from which the engine picks amd64', async function () {
    const tag = `env-test-multiarch-${run}`
    const index = await pushMultiArchIndex('primary', REPOSITORY, tag, {
      seed: `env-test-multiarch-${run}`,
      version: '25.1.3',
      layers: 2,
    })
    expect(index.platforms.amd64.configDigest).to.not.equal(index.platforms.arm64.configDigest)
    expect(await remoteDigest('primary', REPOSITORY, tag)).to.equal(index.digest)
    await pull(index.reference)
    const image = await docker().getImage(index.reference).inspect()
    expect(image.Id).to.equal(index.platforms.amd64.configDigest)
    expect(image.RepoDigests).to.include(`${env.registries.primary}/${REPOSITORY}@${index.digest}`)
    await deleteImage('primary', REPOSITORY, index.digest)
  })

  it('pushes a large multi-layer image on demand', async function () {
    const tag = `env-test-big-${run}`
    const image = await bigImage({layers: 4, seed: tag, sizeMb: 8, tag})
    expect(image.size).to.be.greaterThan(8 * 1024 * 1024)
    expect(await remoteDigest('primary', REPOSITORY, tag)).to.equal(image.digest)
    await deleteImage('primary', REPOSITORY, tag)
  })

  it('records requests in the registry access log', async function () {
    const before = registryRequests('primary').length
    const path = `/v2/${REPOSITORY}/manifests/25.0.0`
    await remoteDigest('primary', REPOSITORY, '25.0.0')
    // The registry writes its log asynchronously.
    let requests = registryRequests('primary')
    for (let attempt = 0; attempt < 40 && !requests.slice(before).some((request) => request.path === path); attempt++) {
      await new Promise((resolve) => {
        setTimeout(resolve, 50)
      })
      requests = registryRequests('primary')
    }
    const logged = requests.slice(before).find((request) => request.path === path)
    expect(logged, `a HEAD ${path} line in ${env.logs.primary}`).to.include({method: 'HEAD', status: 200})
  })
})

describe('test environment: sandbox stand-ins on the test engine', function () {
  this.timeout(120_000)
  const run = `${process.pid}-${Date.now().toString(36)}`
  // A repository of this run's own: stand-ins of any tag, removed from the engine afterwards.
  const repository = `occ-test-env/${run}`
  let env: TestEnvironment
  const {containers, docker, pull, start: started} = useTestEngine()

  before(function () {
    env = readEnvironment()
  })

  async function pulledStandIn(variant: SandboxVariant, version: string): Promise<string> {
    const {reference} = await pushSandbox('primary', repository, `${variant}-${version}`, {variant, version})
    await pull(reference)
    return reference
  }

  it('gives the engine a bridge of its own and publishes ports on 127.0.0.1 only', async function () {
    expect(env.bridge.name).to.match(/^occbr-[0-9a-f]{6}$/)
    expect(env.bridge.subnet).to.match(/^10\.123\.\d+\.0\/24$/)
    const network = (await docker().getNetwork('bridge').inspect()) as {
      Options: Record<string, string>
      IPAM: {Config: {Subnet: string}[]}
    }
    expect(network.IPAM.Config.map((config) => config.Subnet)).to.include(env.bridge.subnet)
    const reference = await pulledStandIn('healthy', '2.0.0')
    // No address given: the engine's --ip makes it 127.0.0.1.
    const container = await docker().createContainer({
      ExposedPorts: {'3000/tcp': {}},
      HostConfig: {PortBindings: {'3000/tcp': [{HostPort: ''}]}},
      Image: reference,
    })
    containers.push(container)
    await container.start()
    const bindings = (await container.inspect()).NetworkSettings.Ports['3000/tcp']
    expect(bindings.map((binding) => binding.HostIp)).to.deep.equal(['127.0.0.1'])
    expect((await getPublished(Number(bindings[0].HostPort), '/global/health')).body).to.equal(
      '{"healthy":true,"version":"2.0.0"}',
    )
  })

  it('seeds a healthy stand-in of the wanted version for people (npm run demo)', async function () {
    const seeded = env.sandboxes.find((seed) => seed.tag === WANTED_VERSION)
    expect(seeded).to.include({
      registry: 'primary',
      repository: SANDBOX_REPOSITORY,
      variant: 'healthy',
      version: WANTED_VERSION,
    })
    expect(await remoteDigest('primary', SANDBOX_REPOSITORY, WANTED_VERSION)).to.equal(seeded?.digest)
  })

  it('runs the healthy stand-in: version on the published port, engine health, start-up log lines', async function () {
    const reference = await pulledStandIn('healthy', '2.1.0')
    const image = await docker().getImage(reference).inspect()
    expect(image.Config.Labels).to.include({[LABELS.version]: '2.1.0', [LABELS.ociVersion]: '2.1.0'})
    expect(image.Config.ExposedPorts).to.have.key('3000/tcp')
    expect(image.Config.Env).to.include('OPENCODE_PORT=3000')
    expect(image.Config.Healthcheck).to.deep.include({
      Interval: SANDBOX_HEALTH_INTERVAL_MS * 1_000_000,
      Test: SANDBOX_HEALTH_TEST,
    })

    const began = Date.now()
    const container = await started(reference, {healthIntervalMs: 1000})
    const port = await publishedPort(container)
    const health = await getPublished(port, '/global/health')
    expect(health.status).to.equal(200)
    expect(JSON.parse(health.body)).to.deep.equal({healthy: true, version: '2.1.0'})
    await waitForHealth(container, 'healthy', 15_000)
    console.log(`      (healthy ${Date.now() - began} ms after create+start with a 1 s health interval)`)
    const logs = await containerLogs(container)
    expect(logs.stdout).to.include(sandboxStartLine('2.1.0'))
    expect(logs.stderr).to.match(/stand-in 2\.1\.0 \(healthy\)/)

    const stopping = Date.now()
    await container.stop({t: 10})
    expect(Date.now() - stopping, 'SIGTERM ends it at once').to.be.lessThan(3000)
    expect((await container.inspect()).State.ExitCode).to.equal(0)
  })

  it('has a never-healthy variant: it listens, but its health test fails', async function () {
    const container = await started(await pulledStandIn('never-healthy', '2.2.0'), {
      healthIntervalMs: 500,
      healthRetries: 1,
    })
    const port = await publishedPort(container)
    expect((await getPublished(port, '/')).status).to.equal(200)
    expect((await getPublished(port, '/global/health')).status).to.equal(404)
    await waitForHealth(container, 'unhealthy', 15_000)
  })

  it('has a variant that exits at once with code 3', async function () {
    const container = await started(await pulledStandIn('exits', '2.3.0'))
    const {StatusCode} = (await container.wait()) as {StatusCode: number}
    expect(StatusCode).to.equal(SANDBOX_EXIT_CODE)
    expect((await containerLogs(container)).stdout).to.match(/stand-in 2\.3\.0 \(exits\)/)
  })

  it('has a variant that ignores SIGTERM: stop needs the kill after its timeout', async function () {
    const container = await started(await pulledStandIn('ignores-term', '2.4.0'), {healthIntervalMs: 1000})
    await waitForHealth(container, 'healthy', 15_000)
    const stopping = Date.now()
    await container.stop({t: 1})
    const took = Date.now() - stopping
    expect(took).to.be.within(1000, 5000)
    const {State} = await container.inspect()
    expect(State.ExitCode, 'killed by SIGKILL').to.equal(137)
  })
})

describe('test environment: podman as a second engine', function () {
  this.timeout(120_000)
  const run = `${process.pid}-${Date.now().toString(36)}`
  const repository = `occ-test-env/podman-${run}`
  let env: TestEnvironment
  // Connected on first use, which a skipped block never makes.
  const podman = useTestEngine(() => new Docker({socketPath: new URL(env.podman?.dockerHost ?? '').pathname}))

  before(function () {
    env = readEnvironment()
    // Only outside CI: under CI=true a podman that fails to start fails the environment's start.
    if (!env.podman) this.skip()
  })

  async function startedOnPodman(variant: SandboxVariant, version: string): Promise<Docker.Container> {
    const {reference} = await pushSandbox('primary', repository, `${variant}-${version}`, {variant, version})
    await podman.pull(reference)
    return podman.start(reference, {healthIntervalMs: 1000})
  }

  it('serves the Docker API on a private socket (OCC_TEST_PODMAN_HOST), with a bridge of its own', async function () {
    expect(env.podman?.dockerHost).to.equal(`unix://${env.dir}/podman.sock`)
    expect(process.env.OCC_TEST_PODMAN_HOST).to.equal(env.podman?.dockerHost)
    expect(await enginePing(env.podman!.dockerHost)).to.equal(true)
    const version = (await podman.docker().version()) as {Components?: {Name: string}[]}
    expect(version.Components?.map((component) => component.Name).join(' ')).to.match(/podman/i)
    expect(env.podman?.bridge.name).to.match(/^occpm-[0-9a-f]{6}$/)
    expect(env.podman?.bridge.subnet).to.not.equal(env.bridge.subnet)
  })

  it('pulls a stand-in from the primary registry over plain HTTP and publishes 3000 on 127.0.0.1', async function () {
    const container = await startedOnPodman('healthy', '3.0.0')
    const port = await publishedPort(container)
    expect(JSON.parse((await getPublished(port, '/global/health')).body)).to.deep.equal({
      healthy: true,
      version: '3.0.0',
    })
    expect((await containerLogs(container)).stdout).to.include(sandboxStartLine('3.0.0'))
  })

  it("runs no health checks without systemd (stays starting); exec runs the image's health test", async function () {
    const container = await startedOnPodman('healthy', '3.1.0')
    await new Promise((resolve) => {
      setTimeout(resolve, 2500)
    })
    expect(await healthStatus(container), 'podman without systemd never runs the check').to.equal('starting')
    const probe = await execIn(container, SANDBOX_HEALTH_TEST.slice(1))
    expect(probe.exitCode).to.equal(0)
    expect(probe.output).to.include('"version":"3.1.0"')
    const never = await startedOnPodman('never-healthy', '3.1.0')
    expect((await execIn(never, SANDBOX_HEALTH_TEST.slice(1))).exitCode).to.not.equal(0)
  })

  it('stops the healthy stand-in at once with SIGTERM', async function () {
    const container = await startedOnPodman('healthy', '3.2.0')
    const stopping = Date.now()
    await container.stop({t: 10})
    expect(Date.now() - stopping).to.be.lessThan(3000)
    expect((await container.inspect()).State.ExitCode).to.equal(0)
  })
})
