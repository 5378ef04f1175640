import type {EffectiveConfig} from '../config/types.js'

/** The sandbox container's name on every engine: one sandbox per engine. */
export const CONTAINER_NAME = 'opencode-cloud-sandbox'
/** The port the sandbox image serves its web UI on, inside the container. */
export const CONTAINER_PORT = 3000

/** Marks a container or volume as occ's: occ never touches one without it. */
export const MANAGED_LABEL = 'org.opencode-cloud.managed'
/** The spec a container was made from (JSON), so that drift is a label comparison. */
export const SPEC_LABEL = 'org.opencode-cloud.spec'

/**
 * The sandbox's data paths in the image (the published image's volume.rs),
 * each kept in a volume unless a mount covers it.
 */
export const DATA_PATHS = {
  cache: '/home/opencoder/.cache/opencode',
  config: '/home/opencoder/.config/opencode',
  share: '/home/opencoder/.local/share/opencode',
  ssh: '/home/opencoder/.ssh',
  state: '/home/opencoder/.local/state/opencode',
  workspace: '/home/opencoder/workspace',
} as const

export interface BindMount {
  source: string
  target: string
  readOnly: boolean
  /** One of occ's default mounts: its missing host directory is made; a user's missing one is an error. */
  isDefault: boolean
}

export interface VolumeMount {
  name: string
  target: string
}

export interface RestartPolicy {
  name: 'no' | 'on-failure' | 'unless-stopped'
  maximumRetryCount: number
}

/** Everything a sandbox container is made from; two containers with equal specs are interchangeable. */
export interface SandboxSpec {
  /** The engine's id of the image (not a tag: a moved tag is a different spec). */
  imageId: string
  bindAddress: string
  port: number
  env: string[]
  mounts: BindMount[]
  volumes: VolumeMount[]
  restart: RestartPolicy
}

/** Splits "/host:/container[:ro|:rw]"; a Windows drive letter (C:\x or C:/x) belongs to the host path. */
export function parseMount(entry: string, defaults: ReadonlySet<string>): BindMount {
  const drive = /^[A-Za-z]:[\\/]/.test(entry) ? 2 : 0
  const parts = entry.slice(drive).split(':')
  const mode = parts.length > 2 ? parts.pop() : undefined
  const [host, target] = parts
  return {isDefault: defaults.has(entry), readOnly: mode === 'ro', source: entry.slice(0, drive) + host, target}
}

/** Volumes for the data paths no bind mount covers (a mount on a path or on one of its parents covers it). */
export function volumesFor(mounts: BindMount[]): VolumeMount[] {
  const covered = (path: string) =>
    mounts.some(({target}) => path === target || path.startsWith(`${target.replace(/\/$/, '')}/`))
  return Object.entries(DATA_PATHS)
    .filter(([, path]) => !covered(path))
    .map(([purpose, path]) => ({name: `${CONTAINER_NAME}-${purpose}`, target: path}))
}

/** auto_restart/restart_retries as the engine's restart policy (the original tool never applied them). */
export function restartPolicy(config: Pick<EffectiveConfig, 'auto_restart' | 'restart_retries'>): RestartPolicy {
  if (!config.auto_restart) return {maximumRetryCount: 0, name: 'no'}
  // Zero retries means "no limit" to the engine, as to a user who turned auto_restart on.
  return config.restart_retries === 0
    ? {maximumRetryCount: 0, name: 'unless-stopped'}
    : {maximumRetryCount: config.restart_retries, name: 'on-failure'}
}

/** The address the port is published on: "localhost" as 127.0.0.1, an [IPv6] without its brackets. */
export function bindAddressOf(config: Pick<EffectiveConfig, 'bind_address'>): string {
  return config.bind_address === 'localhost' ? '127.0.0.1' : config.bind_address.replace(/^\[(.*)\]$/, '$1')
}

/** The spec for `imageId` from the effective config; `defaultMounts` are the schema's default entries, expanded. */
export function sandboxSpec(config: EffectiveConfig, imageId: string, defaultMounts: ReadonlySet<string>): SandboxSpec {
  const mounts = config.mounts.map((entry) => parseMount(entry, defaultMounts))
  return {
    bindAddress: bindAddressOf(config),
    env: [...config.container_env],
    imageId,
    mounts,
    port: config.opencode_web_port,
    restart: restartPolicy(config),
    volumes: volumesFor(mounts),
  }
}

/** True for an address only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address)
}

/** The URL the web UI answers on: the bind address (bracketed when IPv6) and the host port. */
export function sandboxUrl(spec: Pick<SandboxSpec, 'bindAddress' | 'port'>, host = spec.bindAddress): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${spec.port}`
}

/** What differs between the spec a container was made from and the wanted one, in the user's words. */
export function specDifferences(made: SandboxSpec, wanted: SandboxSpec): string[] {
  const differences: string[] = []
  const mounts = (spec: SandboxSpec) =>
    spec.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`)
  const compare = (
    what: string,
    before: unknown,
    after: unknown,
    shown = (value: unknown) => JSON.stringify(value),
  ) => {
    if (JSON.stringify(before) !== JSON.stringify(after))
      differences.push(`${what}: ${shown(before)} → ${shown(after)}`)
  }

  compare('image', made.imageId, wanted.imageId, (id) =>
    String(id)
      .replace(/^sha256:/, '')
      .slice(0, 12),
  )
  compare('port', made.port, wanted.port, String)
  compare('bind address', made.bindAddress, wanted.bindAddress, String)
  compare('mounts', mounts(made), mounts(wanted))
  if (JSON.stringify(made.env) !== JSON.stringify(wanted.env)) {
    // Values may be secrets: name the variables that changed, never their values.
    const changed = [
      ...made.env.filter((entry) => !wanted.env.includes(entry)),
      ...wanted.env.filter((entry) => !made.env.includes(entry)),
    ]
    differences.push(
      `environment: ${[...new Set(changed.map((entry) => entry.split('=')[0]))].join(', ') || 'the order'} changed`,
    )
  }

  compare('restart policy', made.restart, wanted.restart, (policy) => {
    const {maximumRetryCount, name} = policy as RestartPolicy
    return name === 'on-failure' ? `${name} (${maximumRetryCount} retries)` : name
  })
  return differences
}

/** A bind address other machines can reach needs users to log in, or the user's explicit choice of an open sandbox. */
export function mayBind(
  config: Pick<EffectiveConfig, 'allow_unauthenticated_network' | 'users'>,
  bindAddress: string,
): boolean {
  return isLoopback(bindAddress) || config.allow_unauthenticated_network || config.users.length > 0
}
