/**
 * What the sandbox life-cycle tests (start, stop, status, logs, updates) share: a CLI home with
 * its own repository of runnable stand-ins, mounts in temp dirs and a free port, and the clean-up
 * of everything a test made on an engine (the sandbox container, its volumes, occ's images).
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import Docker from 'dockerode'

import {WANTED_SANDBOX_VERSION} from '../../../src/lib/image/sandbox.js'
import {imageStateFile} from '../../../src/lib/image-record-path.js'
import {type PushedImage, pushSandbox, type SandboxVariant} from '../../env/index.js'
import {freePort} from '../../env/system.js'
import {type ImageHome, makeImageHome, removeSandboxImages} from './occ-image.js'
import {type UniqueRepository, uniqueRepository} from './registry-log.js'
import {type CliResult, runCli, type RunOptions} from './run-cli.js'

export {freePort} from '../../env/system.js'

/** package.json's opencodeCloud.sandboxVersion: the tag occ pulls. */
export const WANTED = WANTED_SANDBOX_VERSION
export const SANDBOX = 'opencode-cloud-sandbox'
export const REPLACED = 'opencode-cloud-sandbox-replaced'
const VOLUME_PREFIX = 'opencode-cloud-sandbox-'
export const WORKSPACE_TARGET = '/home/opencoder/workspace'

export function engineAt(dockerHost: string): Docker {
  return new Docker({socketPath: new URL(dockerHost).pathname})
}

/** The test environment's dockerd (DOCKER_HOST): the engine the sandbox tests run on unless told otherwise. */
export function dockerd(): Docker {
  return engineAt(process.env.DOCKER_HOST ?? '')
}

/** The sandbox container by name, or undefined. */
export async function sandboxContainer(
  docker: Docker,
  name = SANDBOX,
): Promise<Docker.ContainerInspectInfo | undefined> {
  try {
    return await docker.getContainer(name).inspect()
  } catch {
    return undefined
  }
}

/** Names of the sandbox's volumes on the engine. */
export async function sandboxVolumes(docker: Docker): Promise<string[]> {
  const {Volumes} = await docker.listVolumes()
  return (Volumes ?? [])
    .map((volume) => volume.Name)
    .filter((name) => name.startsWith(VOLUME_PREFIX))
    .sort()
}

/** Removes the sandbox container (and one set aside by a replacement) and the sandbox's volumes. */
export async function removeSandbox(docker: Docker): Promise<void> {
  for (const name of [SANDBOX, REPLACED])
    await docker
      .getContainer(name)
      .remove({force: true})
      .catch(() => undefined)
  for (const name of await sandboxVolumes(docker))
    await docker
      .getVolume(name)
      .remove({force: true})
      .catch(() => undefined)
}

export interface SandboxRecord {
  image_id: string
  version: string
  source: string
  image: string
}

export interface SandboxHome {
  home: ImageHome
  repo: UniqueRepository
  /** The free 127.0.0.1 port the sandbox publishes on (OCC_OPENCODE_WEB_PORT). */
  port: number
  /** Host directory mounted on /home/opencoder/workspace (OCC_MOUNTS). */
  workspace: string
  /** The environment of every run: this home, the engine, the repository, mounts, port; no update checks. */
  env: Record<string, string>
  /** What useSandboxHome pushed under the wanted tag before the test. */
  wanted?: PushedImage
  /** Pushes a stand-in to this test's repository (seeded per repository and tag unless given). */
  push(tag: string, spec: {version: string; variant?: SandboxVariant; seed?: string}): Promise<PushedImage>
  /** Runs occ with `env` (plus `extra`). */
  occ(args: string[], extra?: Record<string, string | undefined>, options?: Omit<RunOptions, 'env'>): Promise<CliResult>
  /** The image record of this engine, or null. */
  record(): SandboxRecord | null
}

export interface SandboxHomeOptions {
  /** The engine's DOCKER_HOST (default: the test dockerd). */
  dockerHost?: () => string
  /**
   * What the test's repository serves under the wanted tag before each test (default: a healthy
   * stand-in); null pushes nothing.
   */
  wanted?: {variant?: SandboxVariant; version?: string} | null
}

/**
 * Hooks for a sandbox test file: before each test, no sandbox container, volumes or occ images on
 * the engine, a fresh home, a repository of its own serving a stand-in under the wanted tag; after
 * each, all of that removed again. Returns the current test's home.
 */
export function useSandboxHome(options: SandboxHomeOptions = {}): () => SandboxHome {
  const dockerHost = options.dockerHost ?? (() => process.env.DOCKER_HOST ?? '')
  let current: SandboxHome | undefined
  const clean = async () => {
    // The sandbox's name and volumes exist once per engine: none may be left on either engine.
    const podman = process.env.OCC_TEST_PODMAN_HOST
    for (const host of new Set([process.env.DOCKER_HOST ?? '', ...(podman ? [podman] : [])]))
      await removeSandbox(engineAt(host))
    const docker = engineAt(dockerHost())
    await removeSandbox(docker)
    await removeSandboxImages(docker)
  }

  beforeEach(async function () {
    this.timeout(60_000)
    await clean()
    current = await makeSandboxHome(dockerHost())
    if (options.wanted !== null)
      current.wanted = await current.push(WANTED, {
        variant: options.wanted?.variant,
        version: options.wanted?.version ?? WANTED,
      })
  })
  afterEach(async function () {
    this.timeout(60_000)
    await clean()
    current?.home.remove()
  })

  return () => {
    if (!current) throw new Error('useSandboxHome: no test is running')
    return current
  }
}

export async function makeSandboxHome(dockerHost: string): Promise<SandboxHome> {
  const home = makeImageHome()
  const repo = uniqueRepository()
  const port = await freePort()
  const workspace = join(home.dir, 'workspace')
  mkdirSync(workspace)
  const env = home.envFor([repo.name], {
    DOCKER_HOST: dockerHost,
    HOME: home.dir,
    OCC_MOUNTS: JSON.stringify([`${workspace}:${WORKSPACE_TARGET}`]),
    OCC_OPENCODE_WEB_PORT: String(port),
    OCC_UPDATE_CHECK: 'never',
  })
  const stateFile = imageStateFile(env)
  return {
    env,
    home,
    occ: (args, extra = {}, runOptions = {}) =>
      runCli(args, {timeoutMs: 90_000, ...runOptions, env: {...env, ...extra}}),
    port,
    push: (tag, spec) =>
      pushSandbox(repo.registry, repo.path, tag, {
        seed: `${repo.path}-${tag}-${spec.variant ?? 'healthy'}-${spec.version}`,
        ...spec,
      }),
    record: () => (existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as SandboxRecord) : null),
    repo,
    workspace,
  }
}

/** Runs `occ start --json` (plus `extra`) and fails the test unless it succeeds: the container's id. */
export async function startedSandbox(s: SandboxHome, extra: Record<string, string> = {}): Promise<string> {
  const result = await s.occ(['start', '--json'], extra)
  expect(result.code, result.stdout + result.stderr).to.equal(0)
  return (JSON.parse(result.stdout) as {container_id: string}).container_id
}

/** GET http://127.0.0.1:port/global/health: the version the sandbox serves. */
export async function servedVersion(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/global/health`)
  const body = (await response.json()) as {healthy: boolean; version: string}
  if (!response.ok || !body.healthy)
    throw new Error(`/global/health on ${port}: ${response.status} ${JSON.stringify(body)}`)
  return body.version
}

export interface ErrorOutput {
  code: string
  exitCode: number
  message: string
  suggestion?: string
  details?: Record<string, unknown>
}

/** The `{error}` a failed `--json` run printed on stdout. */
export function jsonError(result: CliResult): ErrorOutput {
  const {error} = JSON.parse(result.stdout) as {error?: ErrorOutput}
  if (!error) throw new Error(`no error in --json output (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  return error
}

/** The labelled sandbox containers on the engine (running or not). */
export async function managedContainers(docker: Docker): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({all: true, filters: {label: ['org.opencode-cloud.managed=true']}})
}
