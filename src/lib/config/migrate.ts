import {configErrors} from './messages.js'
import {CONFIG_VERSION, type ConfigKey, type KeyName} from './schema.js'

/** Keys an older original tool wrote under another name: old name → key. */
export const RENAMED_KEYS: Readonly<Record<string, ConfigKey>> = {port: 'opencode_web_port'}

/** Keys the original tool dropped; ignored on load and left in the file. */
export const REMOVED_KEYS: readonly string[] = ['opencode_commit']

/** The names a key may have in a file: its own and the older ones. */
export function fileNamesOf(key: KeyName): string[] {
  return [key, ...Object.keys(RENAMED_KEYS).filter((old) => RENAMED_KEYS[old] === key)]
}

/**
 * Brings file data from any known format to the current one, in memory only (loading never
 * writes the file). No version means 1 (the schema default); renamed keys take their new
 * name; removed keys go; a version newer than ours is an error.
 */
export function migrate(data: Readonly<Record<string, unknown>>, file: string): Record<string, unknown> {
  if (typeof data.version === 'number' && data.version > CONFIG_VERSION)
    throw configErrors.versionTooNew(file, data.version)

  const migrated: Record<string, unknown> = {...data}
  for (const name of REMOVED_KEYS) delete migrated[name]
  for (const [old, key] of Object.entries(RENAMED_KEYS)) {
    if (!(old in migrated)) continue
    migrated[key] ??= migrated[old]
    delete migrated[old]
  }

  return migrated
}
