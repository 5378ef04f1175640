import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'

import {configFile} from '../paths.js'
import {envOverrides} from './env.js'
import {parseConfigText} from './jsonc.js'
import {configErrors} from './messages.js'
import {migrate} from './migrate.js'
import {CONFIG_KEYS, type ConfigKey, HOME_PREFIXES, type OccConfig} from './schema.js'
import type {ConfigSource} from './types.js'
import {defaultConfig, validateConfigData} from './validate.js'

export interface LoadedConfig {
  file: string
  /** The effective config: environment over file over defaults. */
  config: OccConfig
  /** Every key at its default, for comparison. */
  defaults: OccConfig
  sources: Record<ConfigKey, ConfigSource>
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv
  file?: string
  home?: string
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

/** Expands a leading $HOME or ~ in a mount's host path. */
export function expandMount(mount: string, home: string): string {
  const prefix = HOME_PREFIXES.find((candidate) => mount.startsWith(`${candidate}/`) || mount.startsWith(`${candidate}:`))
  return prefix ? home + mount.slice(prefix.length) : mount
}

function withHome(config: OccConfig, home: string): OccConfig {
  return {...config, mounts: config.mounts.map((mount) => expandMount(mount, home))}
}

/**
 * Reads, migrates and validates config.json and applies OCC_<KEY> overrides. Never writes
 * the file. Throws a ConfigError that names the file and the problem.
 */
export function loadConfig({env = process.env, file = configFile(env), home = homedir()}: LoadOptions = {}): LoadedConfig {
  const text = readConfigText(file)
  const data = text === undefined ? {} : migrate(parseConfigText(text, file), file)
  const fromFile = validateConfigData(data, {file, text: text ?? ''})
  const overrides = envOverrides(env)

  const config = withHome({...fromFile, ...Object.fromEntries(overrides)}, home)
  const sources = Object.fromEntries(
    CONFIG_KEYS.map((key) => [key, overrides.has(key) ? 'env' : Object.hasOwn(data, key) ? 'file' : 'default']),
  ) as Record<ConfigKey, ConfigSource>
  return {file, config, defaults: withHome(defaultConfig(), home), sources}
}
