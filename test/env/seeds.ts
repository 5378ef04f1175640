/**
 * The images every test environment starts with: one table, read by the environment (to push them)
 * and by tests (to know what each registry serves). Every seed has its own content, so image ids
 * and digests tell which registry served a pull, and deleting one tag never removes another.
 */

import type {SandboxVariant} from './sandbox.js'

/** Registries the environment runs; `dead` is an address with nothing listening. */
export type RegistryName = 'primary' | 'mirror' | 'auth'
export type RegistryAddressName = RegistryName | 'dead'

export const REGISTRY_NAMES: readonly RegistryName[] = ['primary', 'mirror', 'auth']

/** Repository path of the sandbox image in every test registry. */
export const REPOSITORY = 'prizz/opencode-cloud-sandbox'

/** Label keys the seeds carry (DESIGN §4.2: the image's version comes from the first two). */
export const LABELS = {
  version: 'org.opencode-cloud.version',
  ociVersion: 'org.opencontainers.image.version',
  seed: 'org.opencode-cloud.test.seed',
  registry: 'org.opencode-cloud.test.registry',
  /** Which sandbox stand-in (sandbox.ts) an image is. */
  variant: 'org.opencode-cloud.test.variant',
} as const

export interface SeedImage {
  /** Which registry the seed is pushed to. */
  registry: RegistryName
  tag: string
  /** Written to both version labels. */
  version: string
  /** Determines every byte of the image: same seed, same digests. Also the value of LABELS.seed. */
  seed: string
  /** Number of gzip layers. */
  layers: number
  /** Pseudo-random payload per layer (incompressible), for images that must take time to pull. */
  layerBytes?: number
  /** What tests use it for. */
  purpose: string
}

/** The version package.json declares in `opencodeCloud.sandboxVersion` (checked by env.test.ts). */
export const WANTED_VERSION = '25.1.3'

const MB = 1024 * 1024

export const SEEDS: readonly SeedImage[] = [
  {
    registry: 'primary',
    tag: '25.1.3',
    version: '25.1.3',
    seed: 'primary-25.1.3',
    layers: 3,
    purpose: 'the wanted version, served by the first repository',
  },
  {
    registry: 'primary',
    tag: '25.0.0',
    version: '25.0.0',
    seed: 'primary-25.0.0',
    layers: 3,
    purpose: 'an older release (updates, rollback)',
  },
  {
    registry: 'primary',
    tag: 'latest',
    version: '25.1.3',
    seed: 'primary-latest',
    layers: 3,
    purpose: 'fallback for a dev CLI with no published image',
  },
  {
    registry: 'primary',
    tag: 'big',
    version: '25.1.3',
    seed: 'primary-big',
    layers: 4,
    layerBytes: 26 * MB,
    purpose: '>= 100 MB over 4 layers, for Ctrl-C mid-pull',
  },
  {
    registry: 'mirror',
    tag: '25.1.3',
    version: '25.1.3',
    seed: 'mirror-25.1.3',
    layers: 3,
    purpose: 'same tag as primary, other content: tells who served a fallback',
  },
  {
    registry: 'mirror',
    tag: '25.0.0',
    version: '25.0.0',
    seed: 'mirror-25.0.0',
    layers: 3,
    purpose: 'older release on the mirror',
  },
  {
    registry: 'mirror',
    tag: 'mirror-only',
    version: '1.2.0',
    seed: 'mirror-mirror-only',
    layers: 2,
    purpose: 'a tag only the second repository has',
  },
  {
    registry: 'auth',
    tag: '25.1.3',
    version: '25.1.3',
    seed: 'auth-25.1.3',
    layers: 3,
    purpose: 'needs basic auth (user occ-test)',
  },
]

/** Repository of the runnable sandbox stand-ins (sandbox.ts) seeded at start, e.g. for `npm run demo`. */
export const SANDBOX_REPOSITORY = 'occ-test/opencode-cloud-sandbox'

export interface SandboxSeed {
  registry: RegistryName
  tag: string
  version: string
  variant: SandboxVariant
}

/** Tests push their own stand-ins (`pushSandbox`) into repositories unique to them; these are for people. */
export const SANDBOX_SEEDS: readonly SandboxSeed[] = [
  {registry: 'primary', tag: WANTED_VERSION, version: WANTED_VERSION, variant: 'healthy'},
  {registry: 'primary', tag: 'latest', version: WANTED_VERSION, variant: 'healthy'},
]

export function seedsIn(registry: RegistryName): SeedImage[] {
  return SEEDS.filter((seed) => seed.registry === registry)
}
