import {expect} from 'chai'

import {ConfigError, ConfigUsageError} from '../../../src/lib/config/errors.js'
import {configErrors, notices, prompts, usageErrors} from '../../../src/lib/config/messages.js'
import type {OccError} from '../../../src/lib/errors.js'

const FILE = '/home/u/.config/opencode-cloud/config.json'
const REPAIR = 'Fix the file by hand, or run "occ config reset --force" to start over (the old file is kept as config.json.bak, or config.json.bak.N when that exists).'

function expectError(error: OccError, kind: 'config' | 'usage', code: string, message: string, suggestion: string): void {
  expect(error).to.be.instanceOf(kind === 'config' ? ConfigError : ConfigUsageError)
  expect({kind: error.kind, code: error.code, exitCode: error.exitCode, message: error.message, suggestion: error.suggestion}).to.deep.equal({
    kind,
    code,
    exitCode: kind === 'config' ? 3 : 2,
    message,
    suggestion,
  })
}

describe('config messages', () => {
  it('config file errors name the file, the place and the fix (exit code 3)', () => {
    expectError(
      configErrors.unreadable(FILE, 'EACCES: permission denied'),
      'config',
      'config_unreadable',
      `Cannot read the config file ${FILE}: EACCES: permission denied.`,
      'Check the file and its directory permissions, or run "occ config reset --force" to start over.',
    )
    expectError(
      configErrors.syntax(FILE, 'comma expected', {line: 4, column: 3}),
      'config',
      'config_syntax',
      `The config file ${FILE} is not valid JSON (line 4, column 3): comma expected.`,
      REPAIR,
    )
    expectError(configErrors.notObject(FILE, 'null'), 'config', 'config_not_object', `The config file ${FILE} must hold a JSON object ({ ... }), not null.`, REPAIR)
    expectError(
      configErrors.versionTooNew(FILE, 3),
      'config',
      'config_version_unsupported',
      `The config file ${FILE} has version 3; this occ knows version 1 and older.`,
      'Upgrade occ (npm i -g opencode-cloud), or run "occ config reset --force" to start over.',
    )
    expectError(
      configErrors.unknownKey(FILE, 'imge_source', 'image_source'),
      'config',
      'config_unknown_key',
      `Unknown key "imge_source" in the config file ${FILE}.`,
      'Did you mean "image_source"? Rename it in the file, or remove it with "occ config unset imge_source".',
    )
    expectError(
      configErrors.unknownKey(FILE, 'hello_greeting', undefined),
      'config',
      'config_unknown_key',
      `Unknown key "hello_greeting" in the config file ${FILE}.`,
      'If a plugin that is no longer installed added it, reinstall the plugin or remove the key with "occ config unset hello_greeting".',
    )
    expectError(
      configErrors.invalidValue(FILE, 'mounts', 'mounts[0]', 'x', {line: 2, column: 14}),
      'config',
      'config_invalid_value',
      `Invalid value for mounts[0] in the config file ${FILE} (line 2, column 14): "x". Allowed: a list of "/host/path:/container/path[:ro|:rw]".`,
      'Set a valid one with "occ config set mounts VALUE", or use the default with "occ config unset mounts".',
    )
    expectError(
      configErrors.invalidEnv('OCC_TRUST_PROXY', 'trust_proxy', 'maybe'),
      'config',
      'config_env_invalid',
      'Invalid value in the environment variable OCC_TRUST_PROXY: "maybe". Allowed: true/false, yes/no or 1/0.',
      'Fix OCC_TRUST_PROXY or unset it (unset OCC_TRUST_PROXY).',
    )
  })

  it('command-line errors say what is allowed (exit code 2)', () => {
    expectError(
      usageErrors.unknownKey('imge', 'image_source'),
      'usage',
      'unknown_key',
      'Unknown config key "imge".',
      'Did you mean "image_source"? Run "occ config list" to see every key.',
    )
    expectError(usageErrors.unknownKey('bogus', undefined), 'usage', 'unknown_key', 'Unknown config key "bogus".', 'Run "occ config list" to see every key.')
    expectError(
      usageErrors.invalidValue('update_check', 'weekly'),
      'usage',
      'invalid_value',
      'Invalid value for update_check: "weekly". Allowed: one of: always, once, never.',
      'Run "occ config set update_check VALUE" with an allowed value.',
    )
    expectError(usageErrors.managedKey('version'), 'usage', 'managed_key', 'version is managed by occ and cannot be changed by hand.', 'Run "occ config list" to see the keys you can change.')
    expectError(
      usageErrors.valueMissing('image_source'),
      'usage',
      'value_missing',
      'Missing VALUE for image_source.',
      'Run "occ config set image_source VALUE", or pipe the value into "occ config set image_source --stdin".',
    )
    expectError(usageErrors.valueTwice('users'), 'usage', 'value_twice', 'Both VALUE and --stdin were given for users.', 'Give the value one way only.')
    expectError(
      usageErrors.secretInArgv('auth_password'),
      'usage',
      'secret_in_argv',
      'auth_password is secret and is never taken from the command line, where shell history would keep it.',
      'Run "occ config set auth_password" to type it at a hidden prompt, or pipe it into "occ config set auth_password --stdin".',
    )
    expectError(
      usageErrors.secretNeedsTerminal('auth_password'),
      'usage',
      'no_terminal',
      'auth_password is typed at a hidden prompt, and there is no terminal to prompt on.',
      `Pipe it instead: printf '%s' "$VALUE" | occ config set auth_password --stdin`,
    )
    expectError(
      usageErrors.secretMismatch('auth_password'),
      'usage',
      'secret_mismatch',
      'The two entries for auth_password differ; nothing was changed.',
      'Run "occ config set auth_password" again.',
    )
    expectError(
      usageErrors.resetNeedsConfirmation(),
      'usage',
      'confirmation_required',
      'config:reset asks for confirmation, and there is no terminal to ask on.',
      'Run "occ config reset --force" to reset without asking.',
    )
  })

  it('never shows a secret value', () => {
    expect(usageErrors.invalidValue('auth_password', 'hunter2').message).to.equal('Invalid value for auth_password: ********. Allowed: any text, or null.')
    expect(configErrors.invalidEnv('OCC_AUTH_PASSWORD', 'auth_password', 'hunter2').message).to.not.include('hunter2')
    expect(configErrors.invalidValue(FILE, 'auth_password', 'auth_password', 42, undefined).message).to.not.include('42')
  })

  it('words notices and prompts', () => {
    expect(notices.unknownKey(FILE, 'imge_source', 'image_source')).to.equal(
      `Note: ${FILE} has the key "imge_source", which neither occ nor an installed plugin knows; commands that act on the config refuse to run until it is gone. Did you mean "image_source"? Otherwise remove it with "occ config unset imge_source".`,
    )
    expect(notices.unknownKey(FILE, 'hello_greeting', undefined)).to.equal(
      `Note: ${FILE} has the key "hello_greeting", which neither occ nor an installed plugin knows; commands that act on the config refuse to run until it is gone. Remove it with "occ config unset hello_greeting".`,
    )
    expect(notices.refusedPluginKey({key: 'port', plugin: 'occ-plugin-x', reason: "it is an alias of occ's key opencode_web_port"})).to.equal(
      'Warning: the plugin occ-plugin-x declares the config key "port", which occ refuses: it is an alias of occ\'s key opencode_web_port. The plugin\'s key is ignored.',
    )
    expect(notices.refusedPluginKey({plugin: 'occ-plugin-x', reason: 'it is broken'})).to.equal('Warning: the config keys of the plugin occ-plugin-x are ignored: it is broken.')
    expect(notices.set('image_source', 'build', FILE)).to.equal(`Set image_source to build in ${FILE}.`)
    expect(notices.unset('image_source', FILE)).to.equal(`Removed image_source from ${FILE}; its default applies again.`)
    expect(notices.notSet('image_source', FILE)).to.equal(`image_source was not set in ${FILE}; nothing changed.`)
    expect(notices.reset(FILE, `${FILE}.bak`)).to.equal(`Reset ${FILE} to defaults; the old file is kept as ${FILE}.bak.`)
    expect(notices.resetNoFile(FILE)).to.equal(`${FILE} does not exist; the defaults already apply.`)
    expect(notices.resetCancelled()).to.equal('Nothing was changed.')
    expect(notices.envOverrides('OCC_IMAGE_SOURCE')).to.equal('Note: OCC_IMAGE_SOURCE is set in your environment and overrides this value while it is set.')
    expect(notices.deprecated('auth_username', 'users')).to.equal('Note: auth_username is deprecated and kept for the original tool; use users instead.')
    expect(prompts.confirmReset(FILE, `${FILE}.bak`)).to.equal(`Reset ${FILE} to defaults? The current file is kept as ${FILE}.bak.`)
    expect(prompts.secret('auth_password')).to.equal('New value for auth_password: ')
    expect(prompts.secretAgain('auth_password')).to.equal('Repeat the value for auth_password: ')
  })
})
