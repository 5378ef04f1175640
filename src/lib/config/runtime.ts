/**
 * The config of this process. The init hook calls loadRuntimeConfig() once; it never throws,
 * so --help, --version, autocomplete and config:* work with a broken file. A command that
 * needs the config calls getRuntimeConfig(), which throws the stored error (kind 'config').
 */
import {OccError, toOccError} from '../errors.js'
import {loadConfig} from './load.js'
import type {OccConfig} from './types.js'

let loaded: {config: OccConfig} | {error: OccError} | undefined

export async function loadRuntimeConfig(): Promise<void> {
  try {
    loaded = {config: loadConfig().config}
  } catch (error) {
    loaded = {error: toOccError(error)}
  }
}

export function getRuntimeConfig(): OccConfig {
  if (!loaded) throw new OccError('internal', 'config_not_loaded', 'The config was read before the init hook loaded it.', {suggestion: 'This is a bug in occ or in a plugin: please report it.'})
  if ('error' in loaded) throw loaded.error
  return loaded.config
}
