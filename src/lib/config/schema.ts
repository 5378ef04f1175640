/**
 * The config schema: the single source of truth for every key of config.json — its type,
 * default, allowed values, description, secret-ness and the original tool's aliases.
 * Validation (ajv), value parsing, `config:list`, error texts and the README table all
 * derive from this module. The `x-*` keywords are our annotations (an ajv vocabulary).
 */

/** The newest config format this occ knows. */
export const CONFIG_VERSION = 1

/** Host paths of mounts may start with these; they are expanded to the home directory on load. */
export const HOME_PREFIXES = ['$HOME', '~'] as const

const IPV4 = String.raw`(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`
const H16 = '[0-9a-fA-F]{1,4}'
const IPV6 = [
  `(?:${H16}:){7}${H16}`,
  `(?:${H16}:){1,7}:`,
  `(?:${H16}:){1,6}:${H16}`,
  `(?:${H16}:){1,5}(?::${H16}){1,2}`,
  `(?:${H16}:){1,4}(?::${H16}){1,3}`,
  `(?:${H16}:){1,3}(?::${H16}){1,4}`,
  `(?:${H16}:){1,2}(?::${H16}){1,5}`,
  `${H16}:(?::${H16}){1,6}`,
  `:(?:(?::${H16}){1,7}|:)`,
].join('|')
const BIND_ADDRESS = `^(?:localhost|${IPV4}|(?:${IPV6})|\\[(?:${IPV6})\\])$`
// A Windows host path starts with a drive letter (C:\work or C:/work), as docker takes it there.
const MOUNT = String.raw`^(?:/|~|\$HOME|[A-Za-z]:[\\/])[^:]*:/[^:]*(?::(?:ro|rw))?$`
// A port is 1..65535 written without leading zeros, as a URL's port.
const PORT = String.raw`(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3})`
const REPOSITORY = String.raw`^[a-z0-9]+(?:[.-][a-z0-9]+)*(?::${PORT})?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+$`

/** The largest integer a key takes when its schema names none: beyond it a number is no longer exact (1e+23). */
export const LARGEST_INTEGER = Number.MAX_SAFE_INTEGER

export const DEFAULT_MOUNTS = [
  '$HOME/.local/share/opencode:/home/opencoder/.local/share/opencode',
  '$HOME/.local/state/opencode:/home/opencoder/.local/state/opencode',
  '$HOME/.cache/opencode:/home/opencoder/.cache/opencode',
  '$HOME/.config/opencode:/home/opencoder/.config/opencode',
  '$HOME/opencode/workspace:/home/opencoder/workspace',
  '$HOME/.ssh:/home/opencoder/.ssh:ro',
]

interface Annotations {
  description: string
  /** Other names the original tool accepted for this key (case-insensitive). */
  'x-aliases'?: readonly string[]
  /** Never printed in clear and never taken from argv. */
  'x-secret'?: boolean
  /** Kept for compatibility with the original tool; the text says what replaces it. */
  'x-deprecated'?: string
  /** How to write a value, for messages and the README. */
  'x-hint'?: string
}

export type KeySchema = Annotations &
  (
    | {type: 'integer'; default: number; minimum?: number; maximum?: number}
    | {type: 'boolean'; default: boolean}
    | {type: 'string'; default: string; enum?: readonly string[]; pattern?: string}
    | {type: readonly ['string', 'null']; default: null}
    | {
        type: 'array'
        default: readonly string[]
        items: {type: 'string'; pattern?: string}
        minItems?: number
        uniqueItems?: boolean
      }
  )

const properties = {
  version: {
    type: 'integer',
    default: CONFIG_VERSION,
    minimum: 1,
    maximum: CONFIG_VERSION,
    description: 'Format version of this file; managed by occ. A file without it is version 1.',
  },
  opencode_web_port: {
    type: 'integer',
    default: 3000,
    minimum: 1024,
    maximum: 65_535,
    description: 'Port of the opencode web UI on the host.',
    'x-aliases': ['port'],
  },
  bind: {
    type: 'string',
    default: 'localhost',
    description: 'Host name of the service, as the original tool stored it (bind_address is what is bound).',
    'x-aliases': ['hostname'],
  },
  auto_restart: {
    type: 'boolean',
    default: true,
    description: 'Restart the service when it crashes.',
  },
  boot_mode: {
    type: 'string',
    default: 'user',
    enum: ['user', 'system'],
    description: 'Register the service to start at user login ("user") or at boot ("system", needs root).',
  },
  restart_retries: {
    type: 'integer',
    default: 3,
    minimum: 0,
    maximum: LARGEST_INTEGER,
    description: 'How many times to restart a crashed service.',
  },
  restart_delay: {
    type: 'integer',
    default: 5,
    minimum: 0,
    maximum: LARGEST_INTEGER,
    description: 'Seconds to wait between restart attempts.',
  },
  auth_username: {
    type: ['string', 'null'],
    default: null,
    description: 'Basic-auth user name of the original tool.',
    'x-aliases': ['username'],
    'x-deprecated': 'users',
  },
  auth_password: {
    type: ['string', 'null'],
    default: null,
    description:
      'Basic-auth password of the original tool; set it with a prompt or --stdin, never on the command line.',
    'x-aliases': ['password'],
    'x-secret': true,
    'x-deprecated': 'users',
  },
  container_env: {
    type: 'array',
    default: [],
    items: {type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*='},
    description: 'Environment variables passed to the sandbox container.',
    'x-aliases': ['env'],
    'x-hint': '"KEY=value"',
  },
  bind_address: {
    type: 'string',
    default: '127.0.0.1',
    pattern: BIND_ADDRESS,
    description: 'Address the web UI listens on; 0.0.0.0 or :: exposes it to the network.',
    'x-aliases': ['host'],
    'x-hint': 'an IPv4 or IPv6 address, [IPv6] or "localhost"',
  },
  trust_proxy: {
    type: 'boolean',
    default: false,
    description: 'Trust X-Forwarded-* headers from a reverse proxy in front of the service.',
    'x-aliases': ['proxy'],
  },
  allow_unauthenticated_network: {
    type: 'boolean',
    default: false,
    description: 'Allow access without login when the web UI is exposed to the network.',
    'x-aliases': ['allow_unauth', 'unauth_network'],
  },
  rate_limit_attempts: {
    type: 'integer',
    default: 5,
    minimum: 1,
    maximum: LARGEST_INTEGER,
    description: 'Login attempts allowed per rate-limit window.',
    'x-aliases': ['rate_attempts'],
  },
  rate_limit_window_seconds: {
    type: 'integer',
    default: 60,
    minimum: 1,
    maximum: LARGEST_INTEGER,
    description: 'Length of the login rate-limit window, in seconds.',
    'x-aliases': ['rate_window', 'rate_limit_window'],
  },
  users: {
    type: 'array',
    default: [],
    items: {type: 'string'},
    description: 'User names created in the container (passwords live only in the container).',
  },
  cockpit_port: {
    type: 'integer',
    default: 9090,
    minimum: 1,
    maximum: 65_535,
    description: 'Port of the Cockpit web console, when cockpit_enabled is true.',
  },
  cockpit_enabled: {
    type: 'boolean',
    default: false,
    description: 'Run the Cockpit web console in the container (Linux hosts with native Docker only).',
    'x-aliases': ['cockpit'],
  },
  image_source: {
    type: 'string',
    default: 'prebuilt',
    enum: ['prebuilt', 'build'],
    description: 'Get the sandbox image by pulling it prebuilt from a registry or by building it from source.',
    'x-aliases': ['source'],
  },
  update_check: {
    type: 'string',
    default: 'always',
    enum: ['always', 'once', 'never'],
    description: 'When to check for a newer sandbox image: on every run, once per occ version, or never.',
  },
  mounts: {
    type: 'array',
    default: DEFAULT_MOUNTS,
    items: {type: 'string', pattern: MOUNT},
    description: 'Bind mounts for the sandbox container; a host path may start with $HOME or ~.',
    'x-hint': '"/host/path:/container/path[:ro|:rw]"',
  },
  image_repositories: {
    type: 'array',
    default: ['ghcr.io/prizz/opencode-cloud-sandbox', 'docker.io/prizz/opencode-cloud-sandbox'],
    items: {type: 'string', pattern: REPOSITORY},
    minItems: 1,
    uniqueItems: true,
    description:
      'Repositories the prebuilt image is pulled from, in order: the next is tried when one fails (put mirrors here).',
    'x-aliases': ['repositories'],
    'x-hint': '"registry/path/name" without a tag',
  },
} as const satisfies Record<string, KeySchema>

/** The JSON Schema of config.json. */
export const configSchema = {
  $id: 'https://github.com/prizz/opencode-cloud/config.schema.json',
  type: 'object',
  properties,
  additionalProperties: false,
} as const

type Properties = typeof properties
export type ConfigKey = keyof Properties

type ValueOf<S> = S extends {enum: readonly (infer E)[]}
  ? E
  : S extends {type: 'integer'}
    ? number
    : S extends {type: 'boolean'}
      ? boolean
      : S extends {type: readonly ['string', 'null']}
        ? string | null
        : S extends {type: 'array'}
          ? string[]
          : string

/** The effective config: every key present, defaults filled. */
export type OccConfig = {-readonly [K in ConfigKey]: ValueOf<Properties[K]>}
export type ConfigValue = OccConfig[ConfigKey]

declare const pluginKeyBrand: unique symbol
/** A key a plugin contributes to config.json (see plugin-keys.ts): a name checked against the registry. */
export type PluginKeyName = string & {readonly [pluginKeyBrand]: true}
/** Any key this process knows: occ's own or an installed plugin's. */
export type KeyName = ConfigKey | PluginKeyName

/** occ's keys with their types, plus the keys installed plugins contribute, by name. */
export type EffectiveConfig = OccConfig & Record<string, ConfigValue>

/** A key contributed by a plugin, accepted at startup (known-keys.ts holds those of this process). */
export interface PluginKey {
  name: PluginKeyName
  /** The plugin's package name. */
  plugin: string
  schema: KeySchema
  /** True when a value is allowed (compiled from `schema`). */
  validate: (value: unknown) => boolean
}

/** Every key, in schema order. */
export const CONFIG_KEYS = Object.keys(properties) as ConfigKey[]

/** Annotation keywords ajv must accept as known (they carry no validation). */
export const ANNOTATION_KEYWORDS = ['x-aliases', 'x-secret', 'x-deprecated', 'x-hint'] as const

export function isConfigKey(name: string): name is ConfigKey {
  return Object.hasOwn(properties, name)
}

/** occ's own key for a name or alias (case-insensitive), or undefined; plugin keys are not considered. */
export function resolveCoreKey(name: string): ConfigKey | undefined {
  const wanted = name.trim().toLowerCase()
  return CONFIG_KEYS.find((key) => key === wanted || coreAliases(key).includes(wanted))
}

/** The schema of one of occ's own keys. */
export function coreKeySchema(key: ConfigKey): KeySchema {
  return properties[key]
}

function coreAliases(key: ConfigKey): readonly string[] {
  return coreKeySchema(key)['x-aliases'] ?? []
}

/** Keys occ manages itself: not settable on the command line nor from the environment. */
export function isManaged(key: KeyName): boolean {
  return key === 'version'
}
