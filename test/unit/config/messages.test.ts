/**
 * What every config message does, not how it is worded: it names the file or key it is about,
 * offers a fix, carries its code and exit code, and never shows a secret. Exact texts are checked
 * only where they are a contract (the README's commands).
 */
import {expect} from 'chai'

import {ConfigError, ConfigUsageError} from '../../../src/lib/config/errors.js'
import {configErrors, notices, prompts, usageErrors} from '../../../src/lib/config/messages.js'
import type {OccError} from '../../../src/lib/errors.js'

const FILE = '/home/u/.config/opencode-cloud/config.json'
const SECRET = 'hunter2-s3cret'

interface Case {
  error: OccError
  /** The `code` of --json output: a contract for scripts. */
  code: string
  /** What the message must name (the file, the key, the variable). */
  names: string[]
}

const fileErrors: Record<string, Case> = {
  'an unreadable file': {
    code: 'config_unreadable',
    error: configErrors.unreadable(FILE, 'EACCES: permission denied'),
    names: [FILE, 'EACCES'],
  },
  'a file that is not JSON': {
    code: 'config_syntax',
    error: configErrors.syntax(FILE, 'comma expected', {column: 3, line: 4}),
    names: [FILE, 'line 4', 'column 3'],
  },
  'a file that holds no object': {
    code: 'config_not_object',
    error: configErrors.notObject(FILE, 'null'),
    names: [FILE, 'null'],
  },
  'a file of a newer version': {
    code: 'config_version_unsupported',
    error: configErrors.versionTooNew(FILE, 3),
    names: [FILE, '3'],
  },
  'an unknown key with a near name': {
    code: 'config_unknown_key',
    error: configErrors.unknownKey(FILE, 'imge_source', 'image_source'),
    names: [FILE, 'imge_source'],
  },
  "a removed plugin's key": {
    code: 'config_unknown_key',
    error: configErrors.unknownKey(FILE, 'hello_greeting', undefined),
    names: [FILE, 'hello_greeting'],
  },
  'an invalid value': {
    code: 'config_invalid_value',
    error: configErrors.invalidValue(FILE, 'mounts', 'mounts[0]', 'x', {column: 14, line: 2}),
    names: [FILE, 'mounts[0]', 'line 2'],
  },
  'an invalid override': {
    code: 'config_env_invalid',
    error: configErrors.invalidEnv('OCC_TRUST_PROXY', 'trust_proxy', 'maybe'),
    names: ['OCC_TRUST_PROXY', 'maybe'],
  },
}

const commandLineErrors: Record<string, Case> = {
  'an unknown key with a near name': {
    code: 'unknown_key',
    error: usageErrors.unknownKey('imge', 'image_source'),
    names: ['imge'],
  },
  'an unknown key': {code: 'unknown_key', error: usageErrors.unknownKey('bogus', undefined), names: ['bogus']},
  'an invalid value': {
    code: 'invalid_value',
    error: usageErrors.invalidValue('update_check', 'weekly'),
    names: ['update_check', 'weekly'],
  },
  'a key occ manages': {code: 'managed_key', error: usageErrors.managedKey('version'), names: ['version']},
  'a missing value': {code: 'value_missing', error: usageErrors.valueMissing('image_source'), names: ['image_source']},
  'a value given twice': {code: 'value_twice', error: usageErrors.valueTwice('users'), names: ['users']},
  'a secret on the command line': {
    code: 'secret_in_argv',
    error: usageErrors.secretInArgv('auth_password'),
    names: ['auth_password'],
  },
  'a secret without a terminal': {
    code: 'no_terminal',
    error: usageErrors.secretNeedsTerminal('auth_password'),
    names: ['auth_password'],
  },
  'two different secret entries': {
    code: 'secret_mismatch',
    error: usageErrors.secretMismatch('auth_password'),
    names: ['auth_password'],
  },
  'a reset without a terminal': {
    code: 'confirmation_required',
    error: usageErrors.resetNeedsConfirmation(),
    names: ['reset'],
  },
}

describe('config messages', () => {
  for (const [what, {code, error, names}] of Object.entries(fileErrors)) {
    it(`${what} is a config error (exit 3) that names ${names.join(', ')} and offers a fix`, () => {
      expect(error).to.be.instanceOf(ConfigError)
      expect(error).to.include({code, exitCode: 3, kind: 'config'})
      for (const name of names) expect(error.message).to.include(name)
      expect(error.suggestion).to.be.a('string').and.not.equal('')
    })
  }

  for (const [what, {code, error, names}] of Object.entries(commandLineErrors)) {
    it(`${what} is a usage error (exit 2) that names ${names.join(', ')} and offers a fix`, () => {
      expect(error).to.be.instanceOf(ConfigUsageError)
      expect(error).to.include({code, exitCode: 2, kind: 'usage'})
      for (const name of names) expect(error.message).to.include(name)
      expect(error.suggestion).to.be.a('string').and.not.equal('')
    })
  }

  it('offers the near key name when there is one, and only then', () => {
    expect(configErrors.unknownKey(FILE, 'imge_source', 'image_source').suggestion).to.include('"image_source"')
    expect(usageErrors.unknownKey('imge', 'image_source').suggestion).to.include('"image_source"')
    expect(notices.unknownKey(FILE, 'imge_source', 'image_source')).to.include('"image_source"')
    expect(configErrors.unknownKey(FILE, 'hello_greeting', undefined).suggestion).to.not.match(/did you mean/i)
    expect(usageErrors.unknownKey('bogus', undefined).suggestion).to.not.match(/did you mean/i)
    expect(notices.unknownKey(FILE, 'hello_greeting', undefined)).to.not.match(/did you mean/i)
  })

  it('an unknown key in the file is fixed by unsetting it, in the error and in the note', () => {
    expect(configErrors.unknownKey(FILE, 'hello_greeting', undefined).suggestion).to.include(
      'occ config unset hello_greeting',
    )
    expect(notices.unknownKey(FILE, 'hello_greeting', undefined))
      .to.include(FILE)
      .and.include('occ config unset hello_greeting')
  })

  it('a bad value is fixed with the command for that key', () => {
    expect(configErrors.invalidValue(FILE, 'mounts', 'mounts[0]', 'x', undefined).suggestion)
      .to.include('occ config set mounts')
      .and.include('occ config unset mounts')
    expect(configErrors.invalidEnv('OCC_TRUST_PROXY', 'trust_proxy', 'maybe').suggestion).to.include('OCC_TRUST_PROXY')
    expect(usageErrors.invalidValue('update_check', 'weekly').message)
      .to.include('always')
      .and.include('once')
      .and.include('never')
  })

  it('a file occ cannot use is repaired with "occ config reset --force", as the README says', () => {
    const broken = [
      configErrors.unreadable(FILE, 'EACCES'),
      configErrors.syntax(FILE, 'comma expected', {column: 1, line: 1}),
      configErrors.notObject(FILE, '[]'),
      configErrors.versionTooNew(FILE, 9),
    ]
    for (const error of broken) expect(error.suggestion).to.include('occ config reset --force')
    // A file occ can read but not use is kept as a backup on reset.
    expect(configErrors.syntax(FILE, 'comma expected', {column: 1, line: 1}).suggestion).to.include('config.json.bak')
    expect(usageErrors.resetNeedsConfirmation().suggestion).to.include('occ config reset --force')
  })

  it('a secret is typed at a prompt or piped in, as the README shows', () => {
    expect(usageErrors.secretInArgv('auth_password').suggestion).to.include('occ config set auth_password --stdin')
    expect(usageErrors.secretNeedsTerminal('auth_password').suggestion).to.include(
      `printf '%s' "$VALUE" | occ config set auth_password --stdin`,
    )
  })

  it('never shows a secret value: it is masked as ******** (the README) or left out', () => {
    const invalid = usageErrors.invalidValue('auth_password', SECRET)
    expect(invalid.message).to.include('********').and.not.include(SECRET)
    const texts = [
      invalid.suggestion,
      configErrors.invalidEnv('OCC_AUTH_PASSWORD', 'auth_password', SECRET).message,
      configErrors.invalidEnv('OCC_AUTH_PASSWORD', 'auth_password', SECRET).suggestion,
      configErrors.invalidValue(FILE, 'auth_password', 'auth_password', SECRET, undefined).message,
      configErrors.invalidValue(FILE, 'auth_password', 'auth_password', 42, undefined).message,
    ]
    for (const text of texts)
      expect(text ?? '')
        .to.not.include(SECRET)
        .and.not.include('42')
  })

  it('notices name the key and the file they are about', () => {
    expect(notices.set('image_source', 'build', FILE))
      .to.include('image_source')
      .and.include('build')
      .and.include(FILE)
    expect(notices.unset('image_source', FILE)).to.include('image_source').and.include(FILE)
    expect(notices.notSet('image_source', FILE)).to.include('image_source').and.include(FILE)
    expect(notices.reset(FILE, `${FILE}.bak`))
      .to.include(FILE)
      .and.include(`${FILE}.bak`)
    expect(notices.resetNoFile(FILE)).to.include(FILE)
    expect(notices.resetCancelled()).to.be.a('string').and.not.equal('')
    expect(notices.envOverrides('OCC_IMAGE_SOURCE')).to.include('OCC_IMAGE_SOURCE')
    expect(notices.deprecated('auth_username', 'users')).to.include('auth_username').and.include('users')
  })

  it("a refused plugin key names the plugin, the key and why, and is a warning (the plugin's other keys stay)", () => {
    const refused = notices.refusedPluginKey({
      key: 'port',
      plugin: 'occ-plugin-x',
      reason: "it is an alias of occ's key opencode_web_port",
    })
    expect(refused)
      .to.match(/^Warning: /)
      .and.include('occ-plugin-x')
      .and.include('"port"')
      .and.include('opencode_web_port')
    expect(notices.refusedPluginKey({plugin: 'occ-plugin-x', reason: 'it is broken'}))
      .to.match(/^Warning: /)
      .and.include('occ-plugin-x')
      .and.include('it is broken')
  })

  it('prompts name what they ask for and, for a reset, where the old file is kept', () => {
    expect(prompts.confirmReset(FILE, `${FILE}.bak`))
      .to.include(FILE)
      .and.include(`${FILE}.bak`)
    expect(prompts.secret('auth_password')).to.include('auth_password')
    expect(prompts.secretAgain('auth_password')).to.include('auth_password')
    expect(prompts.secret('auth_password')).to.not.equal(prompts.secretAgain('auth_password'))
  })
})
