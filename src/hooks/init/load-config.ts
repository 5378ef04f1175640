import {Hook, Interfaces} from '@oclif/core'

import type {PluginConfigFragment} from '../../lib/config/plugin-keys.js'

import {loadRuntimeConfig} from '../../lib/config/runtime.js'

/** The `oclif.occConfig` sections of the installed plugins (README, "Writing a plugin"). */
function pluginFragments(config: Interfaces.Config): PluginConfigFragment[] {
  return [...config.plugins.values()].flatMap((plugin) => {
    const oclif: Record<string, unknown> = plugin.pjson.oclif
    return plugin.isRoot || oclif.occConfig === undefined ? [] : [{fragment: oclif.occConfig, plugin: plugin.name}]
  })
}

/**
 * Loads config.json once per process, with the keys plugins contribute;
 * a bad file is reported only by commands that need it.
 */
const hook: Hook<'init'> = async function ({config}) {
  await loadRuntimeConfig(pluginFragments(config))
}

export default hook
