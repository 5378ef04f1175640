import {applyEdits, format, type FormattingOptions, type JSONPath, modify} from 'jsonc-parser'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {surroundingsProblem} from '../errors.js'
import {ensurePrivateDir, writeFileAtomic, writeNewFile} from '../files.js'
import {withFileLock} from '../lock.js'
import {parseConfigText} from './jsonc.js'
import {readConfigText} from './load.js'
import {configErrors, usageErrors} from './messages.js'
import {fileNamesOf, migrate} from './migrate.js'
import {parseValue} from './parse-value.js'
import {removeKey, renameKey} from './jsonc-keys.js'
import {resolveKey} from './known-keys.js'
import {CONFIG_VERSION, type ConfigValue, isManaged, type KeyName} from './schema.js'
import {typoOf} from './suggest.js'
import {validateConfigData} from './validate.js'

/** What a fresh or reset config.json holds: every other key is at its default. */
export const NEW_CONFIG_TEXT = `{\n  "version": ${CONFIG_VERSION}\n}\n`

/** The n-th backup name: config.json.bak, then config.json.bak.1, .2, … */
const backupName = (file: string, n: number): string => (n === 0 ? `${file}.bak` : `${file}.bak.${n}`)

/** The name the next reset keeps the old file under: the first free backup name, so no backup is ever overwritten. */
export function backupFile(file: string): string {
  let n = 0
  while (existsSync(backupName(file, n))) n++
  return backupName(file, n)
}

/** Config edits take milliseconds: poll often, and give up long before an image pull would. */
const LOCK_WAIT = {pollMs: 25, timeoutMs: 30_000}

/** Runs `work` holding the cross-process lock of config.json, in its private directory. */
async function withConfigLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    await ensurePrivateDir(dirname(file))
    return await withFileLock(file, work, LOCK_WAIT)
  } catch (error) {
    const problem = surroundingsProblem(error)
    throw problem ? configErrors.unwritable(file, problem) : error
  }
}

/** Keeps the file's own indentation and line endings for the lines an edit adds. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  '
  return {
    insertSpaces: !indent.includes('\t'),
    tabSize: indent.includes('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  }
}

/**
 * Sets one value, formatting only what the edit wrote: jsonc-parser's own formatting of an edit re-lays whole
 * lines, so a neighbour such as `["a",]` on the line before an added key would be spread over lines.
 */
function edit(text: string, path: JSONPath, value: ConfigValue): string {
  const [change] = modify(text, path, value, {})
  if (!change) return text
  const edited = applyEdits(text, [change])
  // A replaced value is formatted within itself; an added key also at the two joins with its neighbours.
  const margin = change.length > 0 ? 0 : 1
  const start = Math.max(0, change.offset - margin)
  const range = {offset: start, length: Math.min(edited.length, change.offset + change.content.length + margin) - start}
  return applyEdits(edited, format(edited, range, formattingOf(text)))
}

/** Reads, changes and atomically rewrites config.json under the lock; `change` returns the new text. */
async function updateConfigFile<T>(
  file: string,
  change: (text: string | undefined) => {text?: string; result: T},
): Promise<T> {
  return withConfigLock(file, async () => {
    const before = readConfigText(file)
    const {text, result} = change(before)
    if (text !== undefined && text !== before) await writeFileAtomic(file, text)
    return result
  })
}

/**
 * Parses `input` by the key's type and sets the key, keeping the file's comments, key order and formatting.
 * The whole resulting config is validated before anything is written: on any error the file is left as it was.
 */
export async function setConfigValue(file: string, key: KeyName, input: string): Promise<ConfigValue> {
  if (isManaged(key)) throw usageErrors.managedKey(key)
  const value = parseValue(key, input)
  await updateConfigFile(file, (before) => {
    let text = before ?? NEW_CONFIG_TEXT
    const data = parseConfigText(text, file)
    const [, ...older] = fileNamesOf(key)
    // A key the file has under an older name takes the new name where it stands.
    const old = Object.hasOwn(data, key) ? undefined : older.find((name) => Object.hasOwn(data, name))
    if (old !== undefined) text = renameKey(text, old, key)
    for (const name of older) text = removeKey(text, name)
    text = edit(text, [key], value)
    validateConfigData(migrate(parseConfigText(text, file), file), {file, text})
    return {text, result: undefined}
  })
  return value
}

/**
 * Removes a key (and any older name of it) so its default applies again. A name the schema
 * does not know can still be removed when the file has it: that is how a typo is repaired.
 */
export async function unsetConfigValue(file: string, name: string): Promise<{key: string; removed: boolean}> {
  const key = resolveKey(name)
  if (key && isManaged(key)) throw usageErrors.managedKey(key)
  return updateConfigFile(file, (before) => {
    const data = before === undefined ? {} : parseConfigText(before, file)
    if (!key && !Object.hasOwn(data, name)) throw usageErrors.unknownKey(name, typoOf(name))
    const names = key ? fileNamesOf(key) : [name]
    const removed = names.some((present) => Object.hasOwn(data, present))
    const text =
      removed && before !== undefined
        ? names.reduce((current, present) => removeKey(current, present), before)
        : undefined
    return {text, result: {key: key ?? name, removed}}
  })
}

/** Keeps `bytes` under the first free backup name, created exclusively: one made meanwhile is never overwritten. */
async function keepBackup(file: string, bytes: Uint8Array): Promise<string> {
  for (;;) {
    const backup = backupFile(file)
    try {
      await writeNewFile(backup, bytes)
      return backup
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

/** Puts config.json back to defaults, keeping the old bytes (parsable or not) as a new backup (see backupFile). */
export async function resetConfig(file: string): Promise<{backup?: string}> {
  return withConfigLock(file, async () => {
    const previous = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (previous === undefined) return {}
    const backup = await keepBackup(file, previous)
    await writeFileAtomic(file, NEW_CONFIG_TEXT)
    return {backup}
  })
}
