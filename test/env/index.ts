/**
 * What tests, benchmarks and the demo use of the test environment: its record (env.json), the seed
 * table, and helpers that change registry content at test time (push, delete, multi-arch index,
 * a big bench image) and read a registry's access log.
 */
import {readFileSync} from 'node:fs'

import {registryEndpoint, readEnvironment, type TestEnvironment} from './environment.js'
import {type Architecture, buildImage, type BuiltImage, buildIndex, type ImageSpec, MEDIA_TYPES} from './image.js'
import {type RegistryEndpoint, RegistryClient} from './registry.js'
import {buildSandboxImage, type SandboxSpec} from './sandbox.js'
import {REPOSITORY, type RegistryName} from './seeds.js'

export {
  applyToProcessEnv,
  readEnvironment,
  registryEndpoint,
  releaseEnvironment,
  startEnvironment,
  stateDir,
  stopEnvironment,
} from './environment.js'
export type {PushedSandbox, PushedSeed, StartOptions, StartResult, StopResult, TestEnvironment} from './environment.js'
export {type Architecture, type ImageSpec, buildImage} from './image.js'
export {RegistryClient, type RegistryEndpoint} from './registry.js'
export {
  buildSandboxImage,
  SANDBOX_EXIT_CODE,
  SANDBOX_HEALTH_INTERVAL_MS,
  SANDBOX_HEALTH_TEST,
  SANDBOX_PORT,
  SANDBOX_VARIANTS,
  type SandboxSpec,
  type SandboxVariant,
  sandboxStartLine,
} from './sandbox.js'
export {
  LABELS,
  REGISTRY_NAMES,
  REPOSITORY,
  type RegistryName,
  SANDBOX_REPOSITORY,
  SANDBOX_SEEDS,
  type SandboxSeed,
  SEEDS,
  type SeedImage,
  seedsIn,
  WANTED_VERSION,
} from './seeds.js'

/** A registry of the running environment by name, or any endpoint. */
export type RegistryTarget = RegistryName | RegistryEndpoint

export interface PushedImage {
  /** `host:port/repository:tag` */
  reference: string
  /** Manifest digest: what a RepoDigest shows after a pull. */
  digest: string
  /** Config digest: the engine's image id after a pull. */
  configDigest: string
  /** Total compressed bytes of the layers. */
  size: number
}

function endpointOf(target: RegistryTarget, env?: TestEnvironment): RegistryEndpoint {
  return typeof target === 'string' ? registryEndpoint(env ?? readEnvironment(), target) : target
}

/** Builds an image from `spec` and pushes it as `repository:tag` (replacing what the tag pointed at). */
export async function pushImage(
  registry: RegistryTarget,
  repository: string,
  tag: string,
  spec: ImageSpec,
): Promise<PushedImage> {
  return pushBuilt(endpointOf(registry), repository, tag, await buildImage(spec))
}

/**
 * Builds a runnable sandbox stand-in (sandbox.ts: busybox serving /global/health on 3000, with a
 * HEALTHCHECK) and pushes it as `repository:tag`. Same spec, same digests.
 */
export async function pushSandbox(
  registry: RegistryTarget,
  repository: string,
  tag: string,
  spec: SandboxSpec,
): Promise<PushedImage> {
  return pushBuilt(endpointOf(registry), repository, tag, await buildSandboxImage(spec))
}

async function pushBuilt(
  endpoint: RegistryEndpoint,
  repository: string,
  tag: string,
  image: BuiltImage,
): Promise<PushedImage> {
  await new RegistryClient(endpoint).pushImage(repository, tag, image)
  return {
    configDigest: image.config.digest,
    digest: image.manifest.digest,
    reference: `${endpoint.address}/${repository}:${tag}`,
    size: image.layers.reduce((sum, layer) => sum + layer.size, 0),
  }
}

/**
 * Deletes the manifest `reference` (a tag or a digest) names. Distribution deletes by digest, so
 * every tag on the same manifest goes too. Returns the digest deleted, undefined if there was none.
 */
export async function deleteImage(
  registry: RegistryTarget,
  repository: string,
  reference: string,
): Promise<string | undefined> {
  return new RegistryClient(endpointOf(registry)).deleteManifest(repository, reference)
}

/** The digest `repository:tag` points at in a registry (undefined when absent), as a client sees it. */
export async function remoteDigest(
  registry: RegistryTarget,
  repository: string,
  tag: string,
): Promise<string | undefined> {
  return new RegistryClient(endpointOf(registry)).manifestDigest(repository, tag)
}

export interface PushedIndex {
  reference: string
  /** Digest of the manifest list. */
  digest: string
  platforms: Record<Architecture, PushedImage>
}

/**
 * Pushes one image per architecture (by digest) and a manifest list over them under `tag`.
 * Each platform's spec defaults to `spec` with its architecture set.
 */
export async function pushMultiArchIndex(
  registry: RegistryTarget,
  repository: string,
  tag: string,
  spec: ImageSpec & {platforms?: Partial<Record<Architecture, ImageSpec>>},
): Promise<PushedIndex> {
  const endpoint = endpointOf(registry)
  const client = new RegistryClient(endpoint)
  const architectures: Architecture[] = ['amd64', 'arm64']
  const images = await Promise.all(
    architectures.map(async (architecture) => {
      const image = await buildImage({...spec, ...spec.platforms?.[architecture], architecture})
      await client.pushImage(repository, image.manifest.digest, image)
      return {architecture, image}
    }),
  )
  const index = buildIndex(images.map(({architecture, image}) => ({architecture, manifest: image.manifest})))
  await client.putManifest(repository, tag, index, MEDIA_TYPES.manifestList)
  const platforms = Object.fromEntries(
    images.map(({architecture, image}) => [
      architecture,
      {
        configDigest: image.config.digest,
        digest: image.manifest.digest,
        reference: `${endpoint.address}/${repository}@${image.manifest.digest}`,
        size: image.layers.reduce((sum, layer) => sum + layer.size, 0),
      },
    ]),
  ) as Record<Architecture, PushedImage>
  return {digest: index.digest, platforms, reference: `${endpoint.address}/${repository}:${tag}`}
}

export interface BigImageOptions {
  /** Total incompressible payload (default 200 MB). */
  sizeMb?: number
  /** Layer count (default 8). */
  layers?: number
  registry?: RegistryTarget
  repository?: string
  tag?: string
  seed?: string
  version?: string
}

/** Pushes a large multi-layer image on demand (benchmarks; not seeded at start). ~4 s for 200 MB. */
export async function bigImage(options: BigImageOptions = {}): Promise<PushedImage> {
  const sizeMb = options.sizeMb ?? 200
  const layers = options.layers ?? 8
  const tag = options.tag ?? `bench-${sizeMb}mb-${layers}l`
  return pushImage(options.registry ?? 'primary', options.repository ?? REPOSITORY, tag, {
    layerBytes: Math.ceil((sizeMb * 1024 * 1024) / layers),
    layers,
    seed: options.seed ?? `bench-${sizeMb}-${layers}`,
    version: options.version ?? '25.1.3',
  })
}

export interface RegistryRequest {
  method: string
  path: string
  status: number
  line: string
}

const ACCESS_LINE = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /

/**
 * The HTTP requests a registry has served since it started, from its access log (Combined Log
 * Format on stdout, captured in `env.logs[name]`). To count what one step asked, compare the
 * length before and after it.
 */
export function registryRequests(name: RegistryName, env: TestEnvironment = readEnvironment()): RegistryRequest[] {
  const requests: RegistryRequest[] = []
  for (const line of readFileSync(env.logs[name], 'utf8').split('\n')) {
    const match = ACCESS_LINE.exec(line)
    if (match) requests.push({line, method: match[1], path: match[2], status: Number(match[3])})
  }
  return requests
}
