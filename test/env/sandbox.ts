/**
 * Runnable stand-ins for the sandbox image (issue 13): FROM-scratch images with Debian's static
 * busybox, whose entrypoint serves `/global/health` on 3000 like the real image, with its
 * HEALTHCHECK, labels and start-up log lines. Variants misbehave in the ways `occ start` and
 * `occ stop` must handle. Built in Node like the seeds: no docker build, no network.
 */
import {readFileSync} from 'node:fs'

import {
  type Architecture,
  assembleImage,
  type BuiltImage,
  type ContainerConfig,
  type LayerData,
  layerOf,
} from './image.js'
import {LABELS} from './seeds.js'
import {BINARIES, EnvironmentError} from './system.js'

/**
 * - `healthy`: serves `{"healthy":true,"version":…}` on /global/health; SIGTERM ends it at once.
 * - `never-healthy`: listens on 3000, but /global/health answers 404, so the health test fails.
 * - `exits`: prints a line and exits at once with code 3.
 * - `ignores-term`: healthy, but ignores SIGTERM (`trap '' TERM`): only a kill stops it.
 */
export type SandboxVariant = 'healthy' | 'never-healthy' | 'exits' | 'ignores-term'

export const SANDBOX_VARIANTS: readonly SandboxVariant[] = ['healthy', 'never-healthy', 'exits', 'ignores-term']

export interface SandboxSpec {
  version: string
  /** Default `healthy`. */
  variant?: SandboxVariant
  /** Makes the content (and so the digests) unique; default `sandbox-<variant>-<version>`. */
  seed?: string
}

/** The port the stand-in serves on, as the real image's `opencode web` (OPENCODE_PORT). */
export const SANDBOX_PORT = 3000
/** The real image's health check interval; tests set a shorter one when they create a container. */
export const SANDBOX_HEALTH_INTERVAL_MS = 30_000
export const SANDBOX_HEALTH_TEST = [
  'CMD',
  '/bin/busybox',
  'wget',
  '-q',
  '-O-',
  `http://127.0.0.1:${SANDBOX_PORT}/global/health`,
]
/** Exit code of the `exits` variant. */
export const SANDBOX_EXIT_CODE = 3

/** The first line the stand-in prints on stdout (the container log shows it). */
export function sandboxStartLine(version: string): string {
  return `opencode sandbox stand-in ${version} listening on ${SANDBOX_PORT}`
}

const NS_PER_MS = 1_000_000

export async function buildSandboxImage(spec: SandboxSpec): Promise<BuiltImage> {
  const variant = spec.variant ?? 'healthy'
  const seed = spec.seed ?? `sandbox-${variant}-${spec.version}`
  const config: ContainerConfig = {
    Env: ['PATH=/bin', `OPENCODE_PORT=${SANDBOX_PORT}`],
    Entrypoint: ['/bin/busybox', 'sh', '/entrypoint.sh'],
    ExposedPorts: {[`${SANDBOX_PORT}/tcp`]: {}},
    Healthcheck: {
      Interval: SANDBOX_HEALTH_INTERVAL_MS * NS_PER_MS,
      Retries: 3,
      StartPeriod: 0,
      Test: SANDBOX_HEALTH_TEST,
      Timeout: 5000 * NS_PER_MS,
    },
    Labels: {
      [LABELS.version]: spec.version,
      [LABELS.ociVersion]: spec.version,
      [LABELS.seed]: seed,
      [LABELS.variant]: variant,
    },
    WorkingDir: '/',
  }
  const layers = await Promise.all([busyboxLayer(), appLayer(spec.version, variant, seed)])
  return assembleImage(layers, config, hostArchitecture(), seed)
}

/** The static busybox is the host's: the image has the host's architecture. */
function hostArchitecture(): Architecture {
  return process.arch === 'arm64' ? 'arm64' : 'amd64'
}

let busybox: Promise<LayerData> | undefined

/** /bin/busybox and /bin/sh, shared by every stand-in (pushed and pulled once); built once per process. */
function busyboxLayer(): Promise<LayerData> {
  busybox ??= layerOf([
    {path: 'bin/'},
    {data: staticBusybox(), mode: 0o755, path: 'bin/busybox'},
    {path: 'bin/sh', symlink: 'busybox'},
  ])
  return busybox
}

function staticBusybox(): Buffer {
  const data = readFileSync(BINARIES.busybox)
  if (hasInterpreter(data)) {
    throw new EnvironmentError(
      `${BINARIES.busybox} is dynamically linked and cannot run in a FROM-scratch image; ` +
        "install Debian's busybox-static",
    )
  }
  return data
}

/** True when an ELF64 little-endian binary has a PT_INTERP program header (needs a dynamic loader). */
function hasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.toString('latin1', 0, 4) !== '\u007FELF' || elf[4] !== 2 || elf[5] !== 1) return true
  const offset = Number(elf.readBigUInt64LE(0x20))
  const size = elf.readUInt16LE(0x36)
  const count = elf.readUInt16LE(0x38)
  for (let index = 0; index < count; index++) {
    if (elf.readUInt32LE(offset + index * size) === 3) return true
  }
  return false
}

function appLayer(version: string, variant: SandboxVariant, seed: string): Promise<LayerData> {
  const health =
    variant === 'never-healthy'
      ? []
      : [{data: Buffer.from(`{"healthy":true,"version":"${version}"}`), path: 'www/global/health'}]
  return layerOf([
    {data: Buffer.from(entrypoint(version, variant)), mode: 0o755, path: 'entrypoint.sh'},
    {data: Buffer.from(`${seed}\n${variant}\n${version}\n`), path: 'stand-in'},
    {path: 'www/'},
    {
      data: Buffer.from(`<!doctype html><title>opencode sandbox stand-in ${version}</title><p>${variant}</p>\n`),
      path: 'www/index.html',
    },
    {path: 'www/global/'},
    ...health,
  ])
}

function entrypoint(version: string, variant: SandboxVariant): string {
  const name = `opencode sandbox stand-in ${version}`
  if (variant === 'exits') {
    return [
      `echo "${name} (exits): failing at start-up"`,
      `echo "${name}: exiting with code ${SANDBOX_EXIT_CODE}" >&2`,
      `exit ${SANDBOX_EXIT_CODE}`,
      '',
    ].join('\n')
  }
  return [
    'port="${OPENCODE_PORT:-3000}"',
    // PID 1 ignores signals it has no handler for: without a trap, SIGTERM would do nothing.
    variant === 'ignores-term'
      ? `trap '' TERM`
      : `trap 'echo "${name}: SIGTERM, stopping"; kill "$server" 2>/dev/null; exit 0' TERM`,
    '/bin/busybox httpd -f -p "$port" -h /www &',
    'server=$!',
    `echo "${name} listening on $port"`,
    `echo "${name} (${variant}): serving /www, health at /global/health" >&2`,
    // `wait` returns when a trapped signal arrives, so the trap runs at once.
    'wait "$server"',
    '',
  ].join('\n')
}
