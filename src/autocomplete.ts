import {Command, Interfaces} from '@oclif/core'
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {type CompletionCommand, powerShellCompletion} from './lib/completion/powershell.js'

/**
 * occ's `autocomplete` and `autocomplete:create` wrap the commands of @oclif/plugin-autocomplete
 * (which occ overrides: the root's commands win) and add what the plugin refuses for ':' topic
 * separators: PowerShell. bash and zsh stay the plugin's own.
 */
export const AUTOCOMPLETE_PLUGIN = '@oclif/plugin-autocomplete'

/** The plugin's own command `id`, loaded through oclif (the plugin exports no classes). */
export async function pluginCommand(config: Interfaces.Config, id: string): Promise<Command.Class> {
  const command = config.plugins.get(AUTOCOMPLETE_PLUGIN)?.commands.find((candidate) => candidate.id === id)
  if (!command) throw new Error(`${AUTOCOMPLETE_PLUGIN} is not installed, or has no ${id} command`)
  return command.load()
}

/** Where the plugin's `autocomplete:script powershell` points the profile: <cacheDir>/autocomplete/functions/powershell/<bin>.ps1. */
export function powerShellScriptFile(config: Interfaces.Config): string {
  return join(config.cacheDir, 'autocomplete', 'functions', 'powershell', `${config.bin}.ps1`)
}

/** Every visible command id and alias of this CLI (plugins included), with its visible flags. */
function completionCommands(config: Interfaces.Config): CompletionCommand[] {
  return config.commands
    .filter((command) => !command.hidden)
    .map((command) => ({
      flags: [
        ...Object.values(command.flags)
          .filter((flag) => !flag.hidden)
          .map((flag) => ({multiple: flag.type === 'option' && Boolean(flag.multiple), name: flag.name, summary: flag.summary ?? flag.description ?? ''})),
        ...(Object.hasOwn(command.flags, 'help') ? [] : [{multiple: false, name: 'help', summary: 'Show help for the command.'}]),
      ],
      id: command.id,
      summary: command.summary ?? command.description ?? '',
    }))
}

/** Writes the PowerShell completion script for the commands installed now. */
export async function writePowerShellScript(config: Interfaces.Config): Promise<string> {
  const file = powerShellScriptFile(config)
  await mkdir(dirname(file), {recursive: true})
  await writeFile(file, powerShellCompletion([config.bin, ...(config.binAliases ?? [])], completionCommands(config)))
  return file
}
