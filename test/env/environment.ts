/**
 * Starts and stops the test environment (DESIGN §7): a Docker Engine on a private socket, three
 * registries on 127.0.0.1 and a dead address, seeded with the images of seeds.ts. Everything lives
 * under one state dir and every process is recorded by pid in env.json, so `stop` ends exactly those.
 */
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import {join, resolve} from 'node:path'

import {enginePing, engineTlsPing} from './engine.js'
import {buildImage, type ImageSpec} from './image.js'
import {type Bridge, bridgeExists, createBridge, deleteBridge} from './network.js'
import {type PodmanEndpoint, startPodman, stopPodman} from './podman.js'
import {type RegistryEndpoint, RegistryClient} from './registry.js'
import {buildSandboxImage} from './sandbox.js'
import {
  LABELS,
  REGISTRY_NAMES,
  REPOSITORY,
  type RegistryAddressName,
  type RegistryName,
  SANDBOX_REPOSITORY,
  SANDBOX_SEEDS,
  type SandboxSeed,
  SEEDS,
  type SeedImage,
} from './seeds.js'
import {SSH_PROCESSES, type SshEndpoint, type SshProcesses, startSsh} from './ssh.js'
import {
  BINARIES,
  EnvironmentError,
  ensurePackages,
  freePort,
  isOurProcess,
  say,
  startBackground,
  tail,
  terminate,
  unmountUnder,
  waitUntil,
} from './system.js'
import {makeCertificates} from './tls.js'

export const DEFAULT_STATE_DIR = '/tmp/occ-test-env'
export const AUTH_USERNAME = 'occ-test'

export type StorageDriver = 'overlay2' | 'vfs'
/** Who asked for the environment: a test run (stopped with its last lease) or a person (kept). */
export type Owner = 'tests' | 'manual'
export type ProcessName = 'dockerd' | 'containerd' | 'podman' | RegistryName | keyof SshProcesses

export interface PushedSeed extends SeedImage {
  /** `127.0.0.1:PORT/prizz/opencode-cloud-sandbox:TAG` */
  reference: string
  /** Manifest digest (the RepoDigest after a pull). */
  digest: string
  /** Config digest (the engine's image id after a pull). */
  configDigest: string
}

export interface PushedSandbox extends SandboxSeed {
  repository: string
  /** `127.0.0.1:PORT/occ-test/opencode-cloud-sandbox:TAG` */
  reference: string
  digest: string
  configDigest: string
}

/** The content of `<dir>/env.json`. */
export interface TestEnvironment {
  /** false while `start` is still bringing things up (pids are recorded as they start). */
  ready: boolean
  owner: Owner
  dir: string
  dockerHost: string
  /**
   * The same engine on `tcp://127.0.0.1:P` with TLS (--tlsverify): only clients holding certDir's
   * certificate get in.
   */
  tlsHost: string
  /** ca.pem, cert.pem and key.pem of a client the TLS listener trusts (DOCKER_CERT_PATH). */
  certDir: string
  /** The same engine through an sshd of our own (ssh://USER@127.0.0.1:P), and ssh agents for it. */
  ssh: SshEndpoint
  /** The engine's container network (network.ts); published ports bind to 127.0.0.1 only. */
  bridge: Bridge
  storageDriver: StorageDriver
  /** The second engine (podman.ts), when it started; see podmanSkipped otherwise. */
  podman?: PodmanEndpoint
  /** Why podman is not running (only outside CI: under CI=true its failure fails the start). */
  podmanSkipped?: string
  registries: Record<RegistryAddressName, string>
  auth: {username: string; password: string}
  repository: string
  pids: Partial<Record<ProcessName, number>>
  logs: Record<'dockerd' | 'sshd' | 'podman' | RegistryName, string>
  seeds: PushedSeed[]
  /** Runnable stand-ins (SANDBOX_SEEDS) in SANDBOX_REPOSITORY. */
  sandboxes: PushedSandbox[]
  startedAt: string
}

export interface StartResult {
  env: TestEnvironment
  /** false when a running environment was reused: the caller must not stop it. */
  started: boolean
  seconds: number
}

export function stateDir(): string {
  return resolve(process.env.OCC_TEST_ENV_DIR || DEFAULT_STATE_DIR)
}

function envFile(dir: string): string {
  return join(dir, 'env.json')
}

/** The recorded environment, ready or not, or undefined when there is none. */
export function readRecord(dir = stateDir()): TestEnvironment | undefined {
  const file = envFile(dir)
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestEnvironment
  } catch (error) {
    throw new EnvironmentError(
      `${file} is unreadable (${(error as Error).message}); run \`npm run env:stop\` and start again`,
    )
  }
}

/** The running environment, for tests: fails clearly when it is not started. */
export function readEnvironment(dir = stateDir()): TestEnvironment {
  const env = readRecord(dir)
  if (!env?.ready)
    throw new EnvironmentError(`no test environment is running in ${dir}; start it with \`npm run env:start\``)
  return env
}

/** The HTTP endpoint of a registry, with credentials for `auth`. */
export function registryEndpoint(env: TestEnvironment, name: RegistryName): RegistryEndpoint {
  return {address: env.registries[name], credentials: name === 'auth' ? env.auth : undefined}
}

/** The repositories occ pulls from in this environment: the runnable stand-in, then the mirror's seeds. */
export function occRepositories(env: TestEnvironment): string[] {
  return [`${env.registries.primary}/${SANDBOX_REPOSITORY}`, `${env.registries.mirror}/${env.repository}`]
}

/**
 * Shell lines that point a client at the environment (`eval "$(npm run -s env:start)"`); `forShell`
 * adds OCC_IMAGE_REPOSITORIES, so that a plain `occ image pull` or `occ start` uses the local registries
 * (test processes get no OCC_ setting of occ's own: tests choose their repositories).
 */
export function exportLines(env: TestEnvironment, forShell = false): string {
  const vars: Record<string, string> = {
    DOCKER_HOST: env.dockerHost,
    OCC_TEST_ENV_DIR: env.dir,
    OCC_TEST_REGISTRY_PRIMARY: env.registries.primary,
    OCC_TEST_REGISTRY_MIRROR: env.registries.mirror,
    OCC_TEST_REGISTRY_AUTH: env.registries.auth,
    OCC_TEST_REGISTRY_DEAD: env.registries.dead,
    OCC_TEST_DOCKER_TLS_HOST: env.tlsHost,
    OCC_TEST_DOCKER_CERT_PATH: env.certDir,
    OCC_TEST_DOCKER_SSH_HOST: env.ssh.dockerHost,
    OCC_TEST_SSH_AUTH_SOCK: env.ssh.agentSocket,
    OCC_TEST_SSH_HOME: env.ssh.home,
    ...(env.podman ? {OCC_TEST_PODMAN_HOST: env.podman.dockerHost} : {}),
    ...(forShell ? {OCC_IMAGE_REPOSITORIES: JSON.stringify(occRepositories(env))} : {}),
  }
  return Object.entries(vars)
    .map(([name, value]) => `export ${name}='${value}'`)
    .join('\n')
}

/** Sets DOCKER_HOST and the OCC_TEST_* variables of `exportLines` in this process. */
export function applyToProcessEnv(env: TestEnvironment): void {
  for (const line of exportLines(env).split('\n')) {
    const match = /^export (\w+)='(.*)'$/.exec(line)
    if (match) process.env[match[1]] = match[2]
  }
}

export interface Health {
  healthy: boolean
  /** Running, but started by an older test/env that lacks something tests now need. */
  outdated: boolean
  problems: string[]
}

export async function checkHealth(env: TestEnvironment): Promise<Health> {
  const problems: string[] = []
  const outdated =
    !env.tlsHost ||
    !env.certDir ||
    !env.ssh?.home ||
    !env.bridge ||
    !env.sandboxes ||
    (!env.podman && env.podmanSkipped === undefined)
  if (outdated)
    problems.push('it has no TLS listener, sshd, bridge, stand-ins or podman (started by an older test/env)')
  else if (!(await engineTlsPing(env.tlsHost, env.certDir)))
    problems.push(`the engine's TLS listener ${env.tlsHost} does not answer /_ping`)
  for (const name of ['dockerd', ...REGISTRY_NAMES, ...(outdated ? [] : SSH_PROCESSES)] as const) {
    if (!isOurProcess(env.pids[name], marker(env.dir)))
      problems.push(`${name} (pid ${env.pids[name] ?? 'none'}) is not running`)
  }
  if (env.bridge?.name && !bridgeExists(env.bridge.name))
    problems.push(`the engine's bridge ${env.bridge.name} is gone`)
  if (!env.podman && !outdated && runsInCi())
    problems.push(`podman is not running (${env.podmanSkipped}), and CI must test against it`)
  if (env.podman) {
    if (!isOurProcess(env.pids.podman, marker(env.dir)))
      problems.push(`podman (pid ${env.pids.podman ?? 'none'}) is not running`)
    else if (!(await enginePing(env.podman.dockerHost)))
      problems.push(`podman at ${env.podman.dockerHost} does not answer /_ping`)
    if (!bridgeExists(env.podman.bridge.name)) problems.push(`podman's bridge ${env.podman.bridge.name} is gone`)
  }
  if (!(await enginePing(env.dockerHost))) problems.push(`the engine at ${env.dockerHost} does not answer /_ping`)
  await Promise.all(
    REGISTRY_NAMES.map(async (name) => {
      const status = await new RegistryClient(registryEndpoint(env, name)).ping().catch(() => 0)
      if (status !== 200)
        problems.push(`registry ${name} at ${env.registries[name]} answers GET /v2/ with ${status || 'nothing'}`)
    }),
  )
  return {healthy: problems.length === 0, outdated, problems}
}

export interface StartOptions {
  /**
   * Take a lease for this process (test runs): an environment started by a lease holder is stopped
   * by `releaseEnvironment` when the last live lease is released, so parallel runs share it safely.
   * Without a lease (`npm run env:start`) the environment stays up until `stop`.
   */
  lease?: boolean
}

/**
 * Starts the environment, or reuses a healthy running one (re-pushing any seed a test moved or
 * deleted). Serialized across processes by a lock file in the state dir.
 */
export async function startEnvironment(dir = stateDir(), options: StartOptions = {}): Promise<StartResult> {
  const began = Date.now()
  mkdirSync(dir, {recursive: true})
  let waitingSince: number | undefined
  for (;;) {
    const release = await acquireLock(dir)
    let started: StartResult | 'wait'
    try {
      started = await startLocked(
        dir,
        options,
        began,
        waitingSince !== undefined && Date.now() - waitingSince > OUTDATED_WAIT_MS,
      )
    } finally {
      release()
    }
    if (started !== 'wait') return started
    if (waitingSince === undefined) {
      say(
        'the running environment is outdated (started by an older test/env); ' +
          'restarting it once the test runs using it have finished',
      )
      waitingSince = Date.now()
    }
    await new Promise((resolve) => {
      setTimeout(resolve, 2000)
    })
  }
}

/** How long an outdated environment is kept for the runs that use it before it is restarted anyway. */
const OUTDATED_WAIT_MS = 10 * 60_000

/** Test runs other than this one holding a lease on the environment in `dir`. */
function otherLeases(dir: string): string[] {
  const leases = join(dir, 'leases')
  return existsSync(leases)
    ? readdirSync(leases).filter((pid) => Number(pid) !== process.pid && processExists(Number(pid)))
    : []
}

/**
 * startEnvironment's work under the lock. An outdated environment is restarted (for whoever
 * started it) only when no other run uses it: 'wait' asks the caller to come back later.
 */
async function startLocked(
  dir: string,
  options: StartOptions,
  began: number,
  waitedEnough: boolean,
): Promise<StartResult | 'wait'> {
  let owner: Owner = options.lease ? 'tests' : 'manual'
  const existing = readRecord(dir)
  let result: StartResult | undefined
  if (existing?.ready) {
    const health = await checkHealth(existing)
    if (health.outdated && !waitedEnough && otherLeases(dir).length > 0) return 'wait'
    // A person's environment stays theirs when it is restarted to bring it up to date.
    if (health.outdated && existing.owner === 'manual') owner = 'manual'
    if (health.healthy) {
      await restoreSeeds(existing)
      if (owner === 'manual' && existing.owner !== 'manual') {
        existing.owner = 'manual'
        writeRecord(existing)
      }
      say(`reusing the running environment in ${dir}`)
      result = {env: existing, seconds: (Date.now() - began) / 1000, started: false}
    } else {
      say(
        `the recorded environment is ${health.outdated ? 'outdated' : 'broken'} (${health.problems.join('; ')}); ` +
          'stopping what is left of it',
      )
    }
  }
  if (!result) {
    if (existing) await teardown(existing)
    const env = await bringUp(dir, owner)
    result = {env, seconds: (Date.now() - began) / 1000, started: true}
  }
  if (options.lease) {
    mkdirSync(join(dir, 'leases'), {recursive: true})
    writeFileSync(join(dir, 'leases', String(process.pid)), '')
  }
  return result
}

/**
 * Drops this process's lease; stops the environment when it was started for tests and no live
 * lease is left. Returns whether it stopped it.
 */
export async function releaseEnvironment(dir = stateDir()): Promise<StopResult> {
  const began = Date.now()
  if (!existsSync(dir)) return {seconds: 0, stopped: false, unmounted: 0}
  const release = await acquireLock(dir)
  try {
    const leases = join(dir, 'leases')
    rmSync(join(leases, String(process.pid)), {force: true})
    const others = otherLeases(dir)
    const env = readRecord(dir)
    if (!env || env.owner !== 'tests' || others.length > 0) return {seconds: 0, stopped: false, unmounted: 0}
    const unmounted = await teardown(env)
    return {seconds: (Date.now() - began) / 1000, stopped: true, unmounted}
  } finally {
    release()
  }
}

export interface StopResult {
  stopped: boolean
  seconds: number
  unmounted: number
}

/** Stops exactly the processes env.json records and removes everything but the logs. */
export async function stopEnvironment(dir = stateDir()): Promise<StopResult> {
  const began = Date.now()
  if (!existsSync(dir)) return {seconds: 0, stopped: false, unmounted: 0}
  const release = await acquireLock(dir)
  try {
    const env = readRecord(dir)
    if (!env) {
      const unmounted = cleanState(dir)
      return {seconds: (Date.now() - began) / 1000, stopped: false, unmounted}
    }
    const unmounted = await teardown(env)
    return {seconds: (Date.now() - began) / 1000, stopped: true, unmounted}
  } finally {
    release()
  }
}

async function teardown(env: TestEnvironment): Promise<number> {
  const others = [...REGISTRY_NAMES, ...SSH_PROCESSES].map(async (name) => {
    const pid = env.pids[name]
    if (pid !== undefined) await terminate(pid, marker(env.dir), 5000)
  })
  // dockerd stops its own containerd and unmounts its layers on SIGTERM; give it time to.
  const dockerd =
    env.pids.dockerd === undefined
      ? Promise.resolve()
      : terminate(env.pids.dockerd, marker(env.dir), 30_000).then((result) => {
          if (result === 'killed') say('dockerd did not stop within 30 s and was killed')
        })
  const podman = env.podman ? stopPodman(env.dir, env.podman, env.pids.podman) : Promise.resolve()
  await Promise.all([...others, dockerd, podman])
  const containerd = env.pids.containerd ?? readPid(join(env.dir, 'docker', 'exec', 'containerd', 'containerd.pid'))
  if (containerd !== undefined) await terminate(containerd, marker(env.dir), 10_000)
  // Only the bridge this environment recorded; dockerd is gone, so nothing is attached to it.
  if (env.bridge?.name) deleteBridge(env.bridge.name)
  return cleanState(env.dir)
}

/** Unmounts anything under the state dir and removes all but the log files. */
function cleanState(dir: string): number {
  const unmounted = unmountUnder(dir)
  for (const entry of [
    'env.json',
    'docker',
    'registries',
    'htpasswd',
    'docker.sock',
    'leases',
    'tls',
    'ssh',
    'podman',
    'podman.sock',
  ]) {
    rmSync(join(dir, entry), {force: true, recursive: true})
  }
  return unmounted
}

/** Every process we start names a path under the state dir on its command line. */
function marker(dir: string): string {
  return `${dir}/`
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10)
    return Number.isInteger(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

function writeRecord(env: TestEnvironment): void {
  const file = envFile(env.dir)
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, JSON.stringify(env, null, 2) + '\n')
  renameSync(temp, file)
}

async function bringUp(dir: string, owner: Owner): Promise<TestEnvironment> {
  await ensurePackages()
  cleanState(dir)
  const dockerDir = join(dir, 'docker')
  mkdirSync(join(dockerDir, 'exec'), {recursive: true})
  mkdirSync(join(dir, 'registries'), {recursive: true})
  const logs = {
    dockerd: join(dir, 'dockerd.log'),
    primary: join(dir, 'registry-primary.log'),
    mirror: join(dir, 'registry-mirror.log'),
    auth: join(dir, 'registry-auth.log'),
    sshd: join(dir, 'sshd.log'),
    podman: join(dir, 'podman.log'),
  }
  for (const log of Object.values(logs)) truncateLog(log)

  const env: TestEnvironment = {
    auth: {password: randomBytes(18).toString('base64url'), username: AUTH_USERNAME},
    dir,
    dockerHost: `unix://${join(dir, 'docker.sock')}`,
    certDir: '',
    logs,
    owner,
    pids: {},
    ready: false,
    registries: {auth: '', dead: '', mirror: '', primary: ''},
    repository: REPOSITORY,
    sandboxes: [],
    seeds: [],
    ssh: {agentSocket: '', dockerHost: '', home: '', strangerSocket: ''},
    bridge: {gateway: '', name: '', subnet: ''},
    startedAt: new Date().toISOString(),
    storageDriver: 'overlay2',
    tlsHost: '',
  }
  if (Buffer.byteLength(join(dockerDir, 'exec', 'containerd', 'containerd.sock.ttrpc')) > 100) {
    throw new EnvironmentError(
      `OCC_TEST_ENV_DIR ${dir} is too long: containerd's unix socket paths under it would exceed 108 bytes`,
    )
  }
  writeHtpasswd(env)
  env.certDir = makeCertificates(join(dir, 'tls')).clientDir
  // Recorded at once: from here on, teardown deletes it.
  env.bridge = createBridge(dir)
  writeRecord(env)

  try {
    // Images are generated (CPU) while the daemons start (I/O).
    const images = Promise.all(SEEDS.map(async (seed) => ({image: await buildImage(seedSpec(seed)), seed})))
    images.catch(() => {
      /* awaited below */
    })
    const sandboxes = Promise.all(SANDBOX_SEEDS.map(async (seed) => ({image: await buildSandboxImage(seed), seed})))
    sandboxes.catch(() => {
      /* awaited below */
    })
    await Promise.all([startEngine(env), ...REGISTRY_NAMES.map((name) => startRegistry(env, name))])
    env.registries.dead = await deadAddress(env)
    // Both settle before a failure is thrown: teardown must see every pid either one started.
    const [ssh, podman] = await Promise.allSettled([
      startSsh(dir, env.dockerHost, env.logs.sshd, env.pids),
      startSecondEngine(env),
    ])
    if (ssh.status === 'rejected') throw ssh.reason
    if (podman.status === 'rejected') throw podman.reason
    env.ssh = ssh.value
    const containerd = readPid(join(dockerDir, 'exec', 'containerd', 'containerd.pid'))
    if (isOurProcess(containerd, marker(dir))) env.pids.containerd = containerd
    writeRecord(env)

    const pushStarted = Date.now()
    env.seeds = await Promise.all(
      (await images).map(async ({image, seed}) => {
        await new RegistryClient(registryEndpoint(env, seed.registry)).pushImage(REPOSITORY, seed.tag, image)
        return pushedSeed(env, seed, image.manifest.digest, image.config.digest)
      }),
    )
    // One after another: tags of the same image would upload the same blobs at once.
    for (const {image, seed} of await sandboxes) {
      await new RegistryClient(registryEndpoint(env, seed.registry)).pushImage(SANDBOX_REPOSITORY, seed.tag, image)
      env.sandboxes.push({
        ...seed,
        configDigest: image.config.digest,
        digest: image.manifest.digest,
        reference: `${env.registries[seed.registry]}/${SANDBOX_REPOSITORY}:${seed.tag}`,
        repository: SANDBOX_REPOSITORY,
      })
    }
    say(
      `seeded ${env.seeds.length} images and ${env.sandboxes.length} sandbox stand-ins in ` +
        `${((Date.now() - pushStarted) / 1000).toFixed(1)} s`,
    )
    env.ready = true
    writeRecord(env)
    return env
  } catch (error) {
    say('start failed; stopping what was started')
    await teardown(env).catch(() => {
      /* the original error matters more */
    })
    throw error
  }
}

/** CI must exercise podman: there its failure fails the start; elsewhere it is skipped, loudly. */
async function startSecondEngine(env: TestEnvironment): Promise<void> {
  const began = Date.now()
  const registries = Object.values(env.registries)
  try {
    await startPodman(env.dir, registries, env.logs.podman, (endpoint, pid) => {
      env.podman = endpoint
      if (pid !== undefined) env.pids.podman = pid
      writeRecord(env)
    })
    say(`podman answers on ${env.podman?.dockerHost} after ${((Date.now() - began) / 1000).toFixed(1)} s`)
  } catch (error) {
    const message = (error as Error).message
    if (runsInCi())
      throw new EnvironmentError(`podman, the second engine, failed to start, and CI must test against it: ${message}`)
    say(
      'WARNING: podman, the second engine, did not start; its tests will be skipped ' +
        `(under CI=true this fails the start): ${message}`,
    )
    if (env.podman)
      await stopPodman(env.dir, env.podman, env.pids.podman).catch(() => {
        /* the start error matters more */
      })
    env.podman = undefined
    delete env.pids.podman
    env.podmanSkipped = message
  }
}

function runsInCi(): boolean {
  return Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0'
}

function seedSpec(seed: SeedImage): ImageSpec {
  return {...seed, labels: {[LABELS.registry]: seed.registry}}
}

function pushedSeed(env: TestEnvironment, seed: SeedImage, digest: string, configDigest: string): PushedSeed {
  return {...seed, configDigest, digest, reference: `${env.registries[seed.registry]}/${REPOSITORY}:${seed.tag}`}
}

function truncateLog(file: string): void {
  if (existsSync(file)) truncateSync(file, 0)
}

function writeHtpasswd(env: TestEnvironment): void {
  try {
    const line = execFileSync(BINARIES.htpasswd, ['-Bbn', env.auth.username, env.auth.password], {encoding: 'utf8'})
    writeFileSync(join(env.dir, 'htpasswd'), line.trim() + '\n', {mode: 0o600})
  } catch (error) {
    throw new EnvironmentError(`htpasswd (apache2-utils) failed: ${(error as Error).message}`)
  }
}

async function startEngine(env: TestEnvironment): Promise<void> {
  const began = Date.now()
  const drivers: StorageDriver[] = process.env.OCC_TEST_STORAGE_DRIVER === 'vfs' ? ['vfs'] : ['overlay2', 'vfs']
  for (const driver of drivers) {
    const dockerDir = join(env.dir, 'docker')
    writeFileSync(join(dockerDir, 'daemon.json'), '{}\n')
    env.tlsHost = `tcp://127.0.0.1:${await freePort()}`
    const serverDir = join(env.dir, 'tls', 'server')
    const args = [
      // Both listeners: the private socket, and TCP with TLS that verifies client certificates.
      '--host',
      env.dockerHost,
      '--host',
      env.tlsHost,
      '--tlsverify',
      '--tlscacert',
      join(serverDir, 'ca.pem'),
      '--tlscert',
      join(serverDir, 'cert.pem'),
      '--tlskey',
      join(serverDir, 'key.pem'),
      '--data-root',
      join(dockerDir, 'data'),
      '--exec-root',
      join(dockerDir, 'exec'),
      '--pidfile',
      join(dockerDir, 'dockerd.pid'),
      // An empty config file: /etc/docker/daemon.json must not leak into the test engine.
      '--config-file',
      join(dockerDir, 'daemon.json'),
      // Our own bridge and no iptables rules; `-p` without an address binds 127.0.0.1 (docker-proxy forwards).
      '--bridge',
      env.bridge.name,
      '--iptables=false',
      '--ip-masq=false',
      '--ip',
      '127.0.0.1',
      '--storage-driver',
      driver,
      // Namespaces of our own, in case a system containerd is shared.
      '--containerd-namespace',
      'occ-test',
      '--containerd-plugins-namespace',
      'occ-test-plugins',
    ]
    const pid = startBackground(BINARIES.dockerd, args, env.logs.dockerd)
    env.pids.dockerd = pid
    env.storageDriver = driver
    writeRecord(env)
    const up = await waitUntil(
      async () =>
        !isOurProcess(pid, marker(env.dir)) ||
        ((await enginePing(env.dockerHost, 1000)) && engineTlsPing(env.tlsHost, env.certDir, 1000)),
      40_000,
      100,
    )
    if (up && isOurProcess(pid, marker(env.dir))) {
      say(`dockerd (${driver}) answers on ${env.dockerHost} after ${((Date.now() - began) / 1000).toFixed(1)} s`)
      return
    }
    if (isOurProcess(pid, marker(env.dir))) {
      await terminate(pid, marker(env.dir), 10_000)
      throw new EnvironmentError(
        `dockerd (${BINARIES.dockerd}) did not answer on ${env.dockerHost} within 40 s; ` +
          `see ${env.logs.dockerd}:\n${tail(env.logs.dockerd)}`,
      )
    }
    if (driver !== drivers.at(-1)) {
      say(`dockerd exited with storage driver ${driver}; retrying with vfs (log: ${env.logs.dockerd})`)
      unmountUnder(dockerDir)
      rmSync(join(dockerDir, 'data'), {force: true, recursive: true})
    }
  }
  throw new EnvironmentError(
    `dockerd (${BINARIES.dockerd}) exited during start; see ${env.logs.dockerd}:\n${tail(env.logs.dockerd)}`,
  )
}

function registryConfig(env: TestEnvironment, name: RegistryName, address: string): string {
  const quote = (value: string) => JSON.stringify(value)
  const lines = [
    'version: 0.1',
    'log:',
    '  accesslog:',
    '    disabled: false',
    '  level: info',
    '  formatter: text',
    '  fields:',
    `    registry: ${name}`,
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${quote(join(env.dir, 'registries', name))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${address}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ]
  if (name === 'auth') {
    lines.push('auth:', '  htpasswd:', '    realm: occ-test', `    path: ${quote(join(env.dir, 'htpasswd'))}`)
  }
  return lines.join('\n') + '\n'
}

async function startRegistry(env: TestEnvironment, name: RegistryName): Promise<void> {
  const config = join(env.dir, 'registries', `${name}.yml`)
  // A free port can be taken between our probe and the registry's bind: retry with another.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const address = `127.0.0.1:${await freePort()}`
    writeFileSync(config, registryConfig(env, name, address))
    const pid = startBackground(BINARIES.registry, ['serve', config], env.logs[name])
    env.pids[name] = pid
    env.registries[name] = address
    const client = new RegistryClient({address})
    const expected = name === 'auth' ? 401 : 200
    const up = await waitUntil(
      async () => !isOurProcess(pid, marker(env.dir)) || (await client.ping().catch(() => 0)) === expected,
      15_000,
      50,
    )
    if (up && isOurProcess(pid, marker(env.dir))) return
    await terminate(pid, marker(env.dir), 2000)
    if (attempt === 3 || !up) {
      throw new EnvironmentError(
        `registry ${name} (${BINARIES.registry} serve ${config}) did not come up on ${address}; ` +
          `see ${env.logs[name]}:\n${tail(env.logs[name])}`,
      )
    }
  }
}

/** A free port distinct from the registries': connections to it are refused. */
async function deadAddress(env: TestEnvironment): Promise<string> {
  const taken = new Set(REGISTRY_NAMES.map((name) => env.registries[name]))
  for (;;) {
    const address = `127.0.0.1:${await freePort()}`
    if (!taken.has(address)) return address
  }
}

/** Re-pushes any seed whose tag no longer points at its recorded digest (a test moved or deleted it). */
async function restoreSeeds(env: TestEnvironment): Promise<void> {
  const moved: PushedSeed[] = []
  const movedSandboxes: PushedSandbox[] = []
  await Promise.all([
    ...env.seeds.map(async (seed) => {
      const digest = await new RegistryClient(registryEndpoint(env, seed.registry)).manifestDigest(REPOSITORY, seed.tag)
      if (digest !== seed.digest) moved.push(seed)
    }),
    ...env.sandboxes.map(async (seed) => {
      const digest = await new RegistryClient(registryEndpoint(env, seed.registry)).manifestDigest(
        seed.repository,
        seed.tag,
      )
      if (digest !== seed.digest) movedSandboxes.push(seed)
    }),
  ])
  if (moved.length + movedSandboxes.length === 0) return
  say(
    `restoring ${moved.length + movedSandboxes.length} seed tag(s): ` +
      [...moved, ...movedSandboxes].map((seed) => `${seed.registry}/${seed.tag}`).join(', '),
  )
  await Promise.all(
    moved.map(async (seed) => {
      const image = await buildImage(seedSpec(seed))
      await new RegistryClient(registryEndpoint(env, seed.registry)).pushImage(REPOSITORY, seed.tag, image)
    }),
  )
  for (const seed of movedSandboxes) {
    await new RegistryClient(registryEndpoint(env, seed.registry)).pushImage(
      seed.repository,
      seed.tag,
      await buildSandboxImage(seed),
    )
  }
}

/** An exclusive lock file holding our pid; a lock whose holder died is taken over. */
async function acquireLock(dir: string, timeoutMs = 180_000): Promise<() => void> {
  const file = join(dir, 'lock')
  const deadline = Date.now() + timeoutMs
  let announced = false
  for (;;) {
    try {
      const fd = openSync(file, 'wx')
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, {force: true})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = readPid(file)
    // An empty lock file is one being written right now, unless it is old.
    const abandoned = holder === undefined ? Date.now() - mtimeOf(file) > 5000 : !processExists(holder)
    if (abandoned) {
      try {
        unlinkSync(file)
      } catch {
        // Someone else took it over first.
      }
      continue
    }
    if (Date.now() > deadline) throw new EnvironmentError(`timed out waiting for ${file} (held by pid ${holder})`)
    if (!announced) {
      say(`waiting for another start/stop (pid ${holder}) to finish`)
      announced = true
    }
    await new Promise((resolve) => {
      setTimeout(resolve, 200)
    })
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
