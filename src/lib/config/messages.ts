/** Every text the config system shows a user: errors, prompts and confirmations. */
import {dirname} from 'node:path'

import type {SurroundingsProblem} from '../errors.js'

import {ConfigError, ConfigUsageError} from './errors.js'
import {quoteValue} from './shown-value.js'
import type {RefusedPluginKey} from './plugin-keys.js'

import {describeAllowed, keySchema} from './known-keys.js'
import {CONFIG_VERSION, type KeyName} from './schema.js'

export interface Position {
  line: number
  column: number
}

const at = (position: Position | undefined): string =>
  position ? ` (line ${position.line}, column ${position.column})` : ''
const REPAIR =
  'Fix the file by hand, or run "occ config reset --force" to start over ' +
  '(the old file is kept as config.json.bak, or config.json.bak.N when that exists).'
const setOrUnset = (key: KeyName): string =>
  `Set a valid one with "occ config set ${key} VALUE", or use the default with "occ config unset ${key}".`

/** What VALUE may be on the command line or in OCC_*: the schema's words plus the accepted spellings. */
export function allowedInput(key: KeyName): string {
  const {type} = keySchema(key)
  if (type === 'boolean') return 'true/false, yes/no or 1/0'
  if (type === 'array') return `${describeAllowed(key)}; as a JSON array or comma-separated`
  return describeAllowed(key)
}

export const configErrors = {
  unreadable: (file: string, reason: string) =>
    new ConfigError('config_unreadable', `Cannot read the config file ${file}: ${reason}.`, {
      suggestion: 'Check the file and its directory permissions, or run "occ config reset --force" to start over.',
    }),

  syntax: (file: string, problem: string, position: Position) =>
    new ConfigError('config_syntax', `The config file ${file} is not valid JSON${at(position)}: ${problem}.`, {
      details: {file, ...position},
      suggestion: REPAIR,
    }),

  tooDeep: (file: string, limit: number, position: Position) =>
    new ConfigError(
      'config_too_deep',
      `The config file ${file} ` +
        `nests lists or objects more than ${limit} deep${at(position)}; no config key needs that.`,
      {
        details: {file, ...position},
        suggestion: REPAIR,
      },
    ),

  duplicateKey: (file: string, key: string, first: Position, again: Position) =>
    new ConfigError(
      'config_duplicate_key',
      `The config file ${file} has the key "${key}" twice: ` +
        `at line ${first.line} and again at line ${again.line}; a key may appear once.`,
      {
        details: {file, key, line: again.line, column: again.column, first_line: first.line},
        suggestion: `Keep the "${key}" you mean and delete the other one (line ${again.line} or ${first.line}).`,
      },
    ),

  notObject: (file: string, found: string) =>
    new ConfigError('config_not_object', `The config file ${file} must hold a JSON object ({ ... }), not ${found}.`, {
      details: {file},
      suggestion: REPAIR,
    }),

  versionTooNew: (file: string, version: number) =>
    new ConfigError(
      'config_version_unsupported',
      `The config file ${file} has version ${version}; this occ knows version ${CONFIG_VERSION} and older.`,
      {
        details: {file, version},
        suggestion: 'Upgrade occ (npm i -g opencode-cloud), or run "occ config reset --force" to start over.',
      },
    ),

  unknownKey: (file: string, name: string, typoOf: KeyName | undefined) =>
    new ConfigError('config_unknown_key', `Unknown key "${name}" in the config file ${file}.`, {
      details: {file, key: name},
      suggestion: typoOf
        ? `Did you mean "${typoOf}"? Rename it in the file, or remove it with "occ config unset ${name}".`
        : 'If a plugin that is no longer installed added it, ' +
          `reinstall the plugin or remove the key with "occ config unset ${name}".`,
    }),

  invalidValue: (file: string, key: KeyName, item: string, value: unknown, position: Position | undefined) =>
    new ConfigError(
      'config_invalid_value',
      `Invalid value for ${item} in the config file ${file}${at(position)}: ${quoteValue(key, value)}. ` +
        `Allowed: ${describeAllowed(key)}.`,
      {
        details: {file, key, ...position},
        suggestion: setOrUnset(key),
      },
    ),

  unwritable: (file: string, problem: SurroundingsProblem) =>
    new ConfigError(
      'config_unwritable',
      `Cannot write the config file ${file}: ${problem.reason} (${problem.code}). The file is as it was.`,
      {
        details: {file, reason: problem.code},
        suggestion: problem.fix(dirname(file)),
      },
    ),

  invalidEnv: (variable: string, key: KeyName, text: string) =>
    new ConfigError(
      'config_env_invalid',
      `Invalid value in the environment variable ${variable}: ${quoteValue(key, text)}. Allowed: ${allowedInput(key)}.`,
      {
        details: {variable, key},
        suggestion: `Fix ${variable} or unset it (unset ${variable}).`,
      },
    ),

  envConflict: (variable: string, other: string, key: KeyName) =>
    new ConfigError(
      'config_env_conflict',
      `The environment variables ${variable} and ${other} both set ${key}, to different values.`,
      {
        details: {variable, other, key},
        suggestion: `Keep one of them (unset ${other}).`,
      },
    ),
}

export const usageErrors = {
  unknownKey: (name: string, typoOf: KeyName | undefined) =>
    new ConfigUsageError('unknown_key', `Unknown config key "${name}".`, {
      details: {key: name},
      suggestion: `${typoOf ? `Did you mean "${typoOf}"? ` : ''}Run "occ config list" to see every key.`,
    }),

  invalidValue: (key: KeyName, text: string) =>
    new ConfigUsageError(
      'invalid_value',
      `Invalid value for ${key}: ${quoteValue(key, text)}. Allowed: ${allowedInput(key)}.`,
      {
        details: {key},
        suggestion: `Run "occ config set ${key} VALUE" with an allowed value.`,
      },
    ),

  managedKey: (key: KeyName) =>
    new ConfigUsageError('managed_key', `${key} is managed by occ and cannot be changed by hand.`, {
      details: {key},
      suggestion: 'Run "occ config list" to see the keys you can change.',
    }),

  valueMissing: (key: KeyName) =>
    new ConfigUsageError('value_missing', `Missing VALUE for ${key}.`, {
      details: {key},
      suggestion: `Run "occ config set ${key} VALUE", or pipe the value into "occ config set ${key} --stdin".`,
    }),

  valueTwice: (key: KeyName) =>
    new ConfigUsageError('value_twice', `Both VALUE and --stdin were given for ${key}.`, {
      details: {key},
      suggestion: 'Give the value one way only.',
    }),

  secretInArgv: (key: KeyName) =>
    new ConfigUsageError(
      'secret_in_argv',
      `${key} is secret and is never taken from the command line, where shell history would keep it.`,
      {
        details: {key},
        suggestion:
          `Run "occ config set ${key}" to type it at a hidden prompt, ` +
          `or pipe it into "occ config set ${key} --stdin".`,
      },
    ),

  secretNeedsTerminal: (key: KeyName) =>
    new ConfigUsageError('no_terminal', `${key} is typed at a hidden prompt, and there is no terminal to prompt on.`, {
      details: {key},
      suggestion: `Pipe it instead: printf '%s' "$VALUE" | occ config set ${key} --stdin`,
    }),

  secretMismatch: (key: KeyName) =>
    new ConfigUsageError('secret_mismatch', `The two entries for ${key} differ; nothing was changed.`, {
      details: {key},
      suggestion: `Run "occ config set ${key}" again.`,
    }),

  resetNeedsConfirmation: () =>
    new ConfigUsageError(
      'confirmation_required',
      'config:reset asks for confirmation, and there is no terminal to ask on.',
      {
        suggestion: 'Run "occ config reset --force" to reset without asking.',
      },
    ),
}

export const notices = {
  set: (key: KeyName, shown: string, file: string) => `Set ${key} to ${shown} in ${file}.`,
  unset: (key: string, file: string) => `Removed ${key} from ${file}; its default applies again.`,
  notSet: (key: string, file: string) => `${key} was not set in ${file}; nothing changed.`,
  reset: (file: string, backup: string) => `Reset ${file} to defaults; the old file is kept as ${backup}.`,
  resetNoFile: (file: string) => `${file} does not exist; the defaults already apply.`,
  resetCancelled: () => 'Nothing was changed.',
  envOverrides: (variable: string) =>
    `Note: ${variable} is set in your environment and overrides this value while it is set.`,
  deprecated: (key: KeyName, replacement: string) =>
    `Note: ${key} is deprecated and kept for the original tool; use ${replacement} instead.`,
  unknownKey: (file: string, name: string, typoOf: KeyName | undefined) =>
    `Note: ${file} has the key "${name}", which neither occ nor an installed plugin knows; ` +
    'commands that act on the config refuse to run until it is gone. ' +
    `${typoOf ? `Did you mean "${typoOf}"? Otherwise remove` : 'Remove'} it with "occ config unset ${name}".`,
  invalidEnv: (problem: string) =>
    `Note: ${problem} It is ignored here; commands that act on the config refuse to run until it is fixed.`,
  refusedPluginKey: ({key, plugin, reason}: RefusedPluginKey) =>
    key === undefined
      ? `Warning: the config keys of the plugin ${plugin} are ignored: ${reason}.`
      : `Warning: the plugin ${plugin} declares the config key "${key}", which occ refuses: ${reason}. ` +
        "The plugin's key is ignored.",
}

export const prompts = {
  confirmReset: (file: string, backup: string) => `Reset ${file} to defaults? The current file is kept as ${backup}.`,
  secret: (key: KeyName) => `New value for ${key}: `,
  secretAgain: (key: KeyName) => `Repeat the value for ${key}: `,
}
