/**
 * The config of this process. The init hook calls loadRuntimeConfig() once, with the config
 * fragments of the installed plugins; it never throws, so --help, --version, autocomplete and
 * config:* work with a broken file or a broken plugin. The config:* commands read the whole
 * load (getLoadedConfig) to show and repair it; a command that acts on the config calls
 * getRuntimeConfig(), which throws the stored error, or one for an invalid OCC_<KEY> or a key nobody
 * knows (kind 'config'): one rule for every command that acts on the config.
 */
import {OccError, toOccError} from '../errors.js'
import {loadConfig, type LoadedConfig} from './load.js'
import {configErrors} from './messages.js'
import type {PluginConfigFragment, RefusedPluginKey} from './plugin-keys.js'
import {installPluginKeys} from './known-keys.js'
import {type EffectiveConfig} from './schema.js'
import {typoOf} from './suggest.js'

let loaded: {config: LoadedConfig} | {error: OccError} | undefined
let refused: readonly RefusedPluginKey[] = []

export async function loadRuntimeConfig(fragments: readonly PluginConfigFragment[] = []): Promise<void> {
  // Without plugin fragments (the usual case) no ajv is loaded: occ's own keys are precompiled.
  // Nor is plugin-keys.js: it loads only when a plugin declares keys.
  if (fragments.length > 0) {
    const {loadPluginKeys} = await import('./plugin-keys.js')
    const plugins = await loadPluginKeys(fragments)
    installPluginKeys(plugins.keys)
    refused = plugins.refused
  }

  try {
    loaded = {config: loadConfig({keepGoing: true})}
  } catch (error) {
    loaded = {error: toOccError(error)}
  }
}

/** This run's load of config.json, unknown keys included; throws the stored error when it failed. */
export function getLoadedConfig(): LoadedConfig {
  if (!loaded)
    throw new OccError('internal', 'config_not_loaded', 'The config was read before the init hook loaded it.', {
      suggestion: 'This is a bug in occ or in a plugin: please report it.',
    })
  if ('error' in loaded) throw loaded.error
  return loaded.config
}

/**
 * The effective config of this run, for commands that act on it. A key of the file that neither
 * occ nor an installed plugin knows is an error here: a typo would otherwise silently change nothing.
 */
export function getRuntimeConfig(): EffectiveConfig {
  const {config, file, invalidEnv, unknown} = getLoadedConfig()
  if (invalidEnv.length > 0) throw invalidEnv[0]
  const [name] = Object.keys(unknown)
  if (name !== undefined) throw configErrors.unknownKey(file, name, typoOf(name))
  return config
}

/** The plugin config keys refused at startup, with their reasons. */
export function refusedPluginKeys(): readonly RefusedPluginKey[] {
  return refused
}
