import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'

import {configFile} from '../occ-dirs.js'
import {envOverrides} from './env.js'
import {parseConfigText} from './jsonc.js'
import {configErrors} from './messages.js'
import {migrate} from './migrate.js'
import {allKeys} from './known-keys.js'
import {type EffectiveConfig, HOME_PREFIXES, type KeyName} from './schema.js'
import type {ConfigError} from './errors.js'
import type {ConfigSource} from './types.js'
import {defaultConfig, validateConfigData} from './validate.js'

export interface LoadedConfig {
  file: string
  /** The effective config: environment over file over defaults. */
  config: EffectiveConfig
  /** Every key at its default, for comparison. */
  defaults: EffectiveConfig
  sources: Record<KeyName, ConfigSource>
  /** Keys of the file that neither occ nor an installed plugin knows, with their values: ignored. */
  unknown: Record<string, unknown>
  /** OCC_<KEY> variables whose value is not allowed: ignored (only with `keepGoing`; otherwise the first is thrown). */
  invalidEnv: ConfigError[]
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv
  file?: string
  home?: string
  /** Load despite invalid OCC_<KEY> variables, returning them in `invalidEnv` (config:* show a config to repair it). */
  keepGoing?: boolean
}

/** The file's text, or undefined when there is no file. */
export function readConfigText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw configErrors.unreadable(file, (error as Error).message)
  }
}

/** Expands a leading $HOME or ~ in a mount's host path (followed by / or, on Windows, \). */
export function expandMount(mount: string, home: string): string {
  const prefix = HOME_PREFIXES.find((candidate) =>
    ['/', '\\', ':'].some((next) => mount.startsWith(`${candidate}${next}`)),
  )
  return prefix ? home + mount.slice(prefix.length) : mount
}

function withHome(config: EffectiveConfig, home: string): EffectiveConfig {
  return {...config, mounts: config.mounts.map((mount) => expandMount(mount, home))}
}

/**
 * Reads, migrates and validates config.json and applies OCC_<KEY> overrides. Never writes
 * the file. Throws a ConfigError that names the file and the problem. Keys of installed plugins
 * count once the init hook has registered them (schema.ts); unknown keys are returned, not refused.
 */
export function loadConfig({
  env = process.env,
  file = configFile(env),
  home = homedir(),
  keepGoing = false,
}: LoadOptions = {}): LoadedConfig {
  const text = readConfigText(file)
  const data = text === undefined ? {} : migrate(parseConfigText(text, file), file)
  const {config: fromFile, unknown} = validateConfigData(data, {file, text: text ?? ''})
  const {invalid, values: overrides} = envOverrides(env)
  if (invalid.length > 0 && !keepGoing) throw invalid[0]

  const config = withHome({...fromFile, ...Object.fromEntries(overrides)}, home)
  const sources = Object.fromEntries(
    allKeys().map((key) => [key, overrides.has(key) ? 'env' : Object.hasOwn(data, key) ? 'file' : 'default']),
  ) as Record<KeyName, ConfigSource>
  return {file, config, defaults: withHome(defaultConfig(), home), sources, unknown, invalidEnv: invalid}
}
