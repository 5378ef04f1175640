/**
 * The public API of opencode-cloud for plugin authors and scripts: read occ's effective config
 * and the record of the current sandbox image without loading the CLI. Loading this module
 * loads neither oclif nor the Docker client (the image record's store loads on first use).
 *
 * @packageDocumentation
 */
import type {ImageChangedEvent} from './lib/image/image-changed-event.js'
import type {ImageState} from './lib/image/state.js'

import {loadConfig} from './lib/config/load.js'
import type {EffectiveConfig} from './lib/config/types.js'
import {resolveEngineEndpoint} from './lib/docker/endpoint.js'

export {configDir, configFile, dataDir} from './lib/occ-dirs.js'
export {imageStateFile} from './lib/image-record-path.js'
export {EXIT_CODES, type ErrorJson, type ExitKind, OccError} from './lib/errors.js'
export type {ConfigKey, ConfigSource, ConfigValue, EffectiveConfig, OccConfig} from './lib/config/types.js'
export type {CheckResult, ImageState, UpdateCheckRecord} from './lib/image/state.js'
export {IMAGE_CHANGED, type ImageChangeAction, type ImageChangedEvent} from './lib/image/image-changed-event.js'

declare module '@oclif/core' {
  interface Hooks {
    /** Fired by occ after every change of the current sandbox image (pull, build, update, rollback, clear). */
    'image-changed': {options: ImageChangedEvent; return: void}
  }
}

export interface ReadConfigOptions {
  /** The environment to read OCC_<KEY> overrides and the config location from (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** config.json to read (default: the one occ uses, see {@link configFile}). */
  file?: string
}

/**
 * The effective config, as occ commands see it: the OCC_<KEY> environment over config.json
 * over the defaults, validated, every key present. Inside occ (a plugin's command or hook) it
 * includes the keys plugins contribute; in another process only occ's own keys are known and
 * plugin keys in the file are ignored.
 *
 * @throws {@link OccError} (kind `config`, exit code 3) when config.json cannot be read,
 * parsed or validated — the same error, with the same message, the CLI prints.
 */
export function readConfig(options: ReadConfigOptions = {}): EffectiveConfig {
  return loadConfig(options).config
}

export interface ReadImageStateOptions {
  /** The environment that names the Docker engine and the data directory (default: process.env). */
  env?: NodeJS.ProcessEnv
  /** Called with a one-line warning when the record file is corrupt (it is then read as no record). */
  onWarning?: (message: string) => void
}

/**
 * The record of the current sandbox image for the Docker engine the environment names
 * (image-state.json for the default local engine), or null when there is none. A corrupt
 * file is never an error: it is moved aside, `onWarning` is told, and the result is null.
 *
 * @throws {@link OccError} only when the file exists but cannot be read (permissions).
 */
export async function readImageState(options: ReadImageStateOptions = {}): Promise<ImageState | null> {
  const {env = process.env, onWarning = () => {}} = options
  const {ImageStateStore} = await import('./lib/image/state-store.js')
  return (await ImageStateStore.forEngine(resolveEngineEndpoint(env), onWarning, env).read()) ?? null
}
