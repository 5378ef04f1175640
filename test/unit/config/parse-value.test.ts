import {expect} from 'chai'

import {ConfigUsageError} from '../../../src/lib/config/errors.js'
import {parseValue} from '../../../src/lib/config/parse-value.js'
import type {ConfigKey} from '../../../src/lib/config/types.js'

function rejects(key: ConfigKey, text: string): ConfigUsageError {
  try {
    parseValue(key, text)
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigUsageError)
    return error as ConfigUsageError
  }

  throw new Error(`parseValue(${key}, ${text}) did not throw`)
}

describe('parseValue', () => {
  it('parses booleans as true/false, yes/no, 1/0 in any case', () => {
    for (const text of ['true', 'YES', 'yes', '1', ' True ']) expect(parseValue('trust_proxy', text)).to.equal(true)
    for (const text of ['false', 'no', 'No', '0']) expect(parseValue('trust_proxy', text)).to.equal(false)
    expect(rejects('trust_proxy', 'maybe').message).to.equal(
      'Invalid value for trust_proxy: "maybe". Allowed: true/false, yes/no or 1/0.',
    )
  })

  it('parses integers within their range', () => {
    expect(parseValue('opencode_web_port', '8080')).to.equal(8080)
    expect(parseValue('opencode_web_port', '65535')).to.equal(65_535)
    expect(parseValue('restart_retries', '0')).to.equal(0)
    for (const text of ['80', '65536', '3000.5', 'abc', '', '1e4']) rejects('opencode_web_port', text)
    expect(rejects('rate_limit_attempts', '0').message).to.equal(
      'Invalid value for rate_limit_attempts: "0". Allowed: an integer of at least 1.',
    )
  })

  it('parses enums in any case and names the allowed values', () => {
    expect(parseValue('image_source', 'BUILD')).to.equal('build')
    expect(parseValue('update_check', 'once')).to.equal('once')
    expect(rejects('image_source', 'docker').message).to.equal(
      'Invalid value for image_source: "docker". Allowed: one of: prebuilt, build.',
    )
  })

  it('parses string lists as a JSON array or comma-separated', () => {
    expect(parseValue('users', 'alice, bob,,')).to.deep.equal(['alice', 'bob'])
    expect(parseValue('users', '["alice","bob, jr"]')).to.deep.equal(['alice', 'bob, jr'])
    expect(parseValue('users', '')).to.deep.equal([])
    expect(parseValue('container_env', 'A=1,B=two')).to.deep.equal(['A=1', 'B=two'])
    rejects('users', '[1, 2]')
    rejects('users', '["unclosed"')
    rejects('container_env', 'NOVALUE')
    rejects('image_repositories', '')
    rejects('image_repositories', 'ghcr.io/a/b,ghcr.io/a/b')
    rejects('image_repositories', 'ghcr.io/a/b:1.0')
    // Windows host paths: a drive letter with either slash; the container side stays a Linux path.
    expect(parseValue('mounts', String.raw`C:\Users\me\work:/home/opencoder/workspace:ro`)).to.deep.equal([
      String.raw`C:\Users\me\work:/home/opencoder/workspace:ro`,
    ])
    expect(parseValue('mounts', 'd:/src:/home/opencoder/workspace')).to.deep.equal(['d:/src:/home/opencoder/workspace'])
    rejects('mounts', String.raw`C:\work:C:\inside`)
    rejects('mounts', 'C:work:/w')
    rejects('mounts', String.raw`CD:\work:/w`)
    expect(rejects('mounts', 'relative:/x').message).to.equal(
      'Invalid value for mounts: "relative:/x". ' +
        'Allowed: a list of "/host/path:/container/path[:ro|:rw]"; as a JSON array or comma-separated.',
    )
  })

  it('validates strings with a format and keeps free text as typed', () => {
    expect(parseValue('bind_address', '[::1]')).to.equal('[::1]')
    expect(parseValue('bind', 'my-host')).to.equal('my-host')
    expect(parseValue('auth_username', 'admin')).to.equal('admin')
    expect(rejects('bind_address', 'example.com').message).to.equal(
      'Invalid value for bind_address: "example.com". Allowed: an IPv4 or IPv6 address, [IPv6] or "localhost".',
    )
  })
})
