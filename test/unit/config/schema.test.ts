import {expect} from 'chai'
import {isIP} from 'node:net'

import {defaultConfig} from '../../../src/lib/config/validate.js'
import {
  aliasesOf,
  describeAllowed,
  isSecret,
  keySchema,
  resolveKey,
  typeName,
} from '../../../src/lib/config/known-keys.js'
import {CONFIG_KEYS, configSchema} from '../../../src/lib/config/schema.js'
import type {OccConfig} from '../../../src/lib/config/types.js'

describe('config schema', () => {
  it('has the defaults of DESIGN §4.1, the original six mounts under $HOME included', () => {
    const expected: OccConfig = {
      version: 1,
      opencode_web_port: 3000,
      bind: 'localhost',
      auto_restart: true,
      boot_mode: 'user',
      restart_retries: 3,
      restart_delay: 5,
      auth_username: null,
      auth_password: null,
      container_env: [],
      bind_address: '127.0.0.1',
      trust_proxy: false,
      allow_unauthenticated_network: false,
      rate_limit_attempts: 5,
      rate_limit_window_seconds: 60,
      users: [],
      cockpit_port: 9090,
      cockpit_enabled: false,
      image_source: 'prebuilt',
      update_check: 'always',
      mounts: [
        '$HOME/.local/share/opencode:/home/opencoder/.local/share/opencode',
        '$HOME/.local/state/opencode:/home/opencoder/.local/state/opencode',
        '$HOME/.cache/opencode:/home/opencoder/.cache/opencode',
        '$HOME/.config/opencode:/home/opencoder/.config/opencode',
        '$HOME/opencode/workspace:/home/opencoder/workspace',
        '$HOME/.ssh:/home/opencoder/.ssh:ro',
      ],
      image_repositories: ['ghcr.io/prizz/opencode-cloud-sandbox', 'docker.io/prizz/opencode-cloud-sandbox'],
    }
    expect(defaultConfig()).to.deep.equal(expected)
    expect(CONFIG_KEYS).to.deep.equal(Object.keys(expected))
  })

  it('describes every key and rejects unknown ones', () => {
    for (const key of CONFIG_KEYS) expect(keySchema(key).description, key).to.match(/\.$/)
    expect(configSchema.additionalProperties).to.equal(false)
  })

  it('marks only auth_password as secret', () => {
    expect(CONFIG_KEYS.filter((key) => isSecret(key))).to.deep.equal(['auth_password'])
  })

  it("resolves the original tool's aliases, in any case", () => {
    const aliases: Record<string, string> = {
      port: 'opencode_web_port',
      hostname: 'bind',
      host: 'bind_address',
      username: 'auth_username',
      password: 'auth_password',
      env: 'container_env',
      proxy: 'trust_proxy',
      rate_attempts: 'rate_limit_attempts',
      rate_window: 'rate_limit_window_seconds',
      rate_limit_window: 'rate_limit_window_seconds',
      allow_unauth: 'allow_unauthenticated_network',
      unauth_network: 'allow_unauthenticated_network',
      cockpit: 'cockpit_enabled',
      source: 'image_source',
      repositories: 'image_repositories',
    }
    for (const [alias, key] of Object.entries(aliases)) expect(resolveKey(alias), alias).to.equal(key)
    expect(resolveKey('PORT')).to.equal('opencode_web_port')
    expect(resolveKey(' Image_Source ')).to.equal('image_source')
    expect(resolveKey('imge_source')).to.equal(undefined)
    const all = CONFIG_KEYS.flatMap((key) => [key, ...aliasesOf(key)])
    expect(new Set(all).size, 'no alias is used twice').to.equal(all.length)
  })

  it('names types and allowed values in words', () => {
    expect(typeName('auth_password')).to.equal('string|null')
    expect(typeName('mounts')).to.equal('string[]')
    expect(typeName('image_source')).to.equal('string')
    expect(describeAllowed('opencode_web_port')).to.equal('an integer from 1024 to 65535')
    expect(describeAllowed('restart_retries')).to.equal('an integer of at least 0')
    expect(describeAllowed('trust_proxy')).to.equal('true or false')
    expect(describeAllowed('image_source')).to.equal('one of: prebuilt, build')
    expect(describeAllowed('bind')).to.equal('any text')
    expect(describeAllowed('auth_username')).to.equal('any text, or null')
    expect(describeAllowed('users')).to.equal('a list of strings')
    expect(describeAllowed('image_repositories')).to.equal(
      'a list of "registry/path/name" without a tag, at least 1, no duplicates',
    )
  })

  it('accepts as bind_address exactly the IP addresses node accepts, [IPv6] and localhost', () => {
    const {pattern} = keySchema('bind_address') as {pattern: string}
    const matches = (address: string) => new RegExp(pattern).test(address)
    const addresses = [
      '127.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::',
      '::1',
      'fe80::1',
      '2001:db8::8a2e:370:7334',
      '1:2:3:4:5:6:7:8',
      '1::',
      '1:2:3:4:5:6:7::',
    ]
    const notAddresses = [
      '256.0.0.1',
      '1.2.3',
      '01.2.3.4x',
      '1:2:3:4:5:6:7:8:9',
      ':::',
      'example.com',
      '',
      '1::2::3',
      'g::1',
    ]
    for (const address of addresses) expect(matches(address) && isIP(address) > 0, address).to.equal(true)
    for (const address of notAddresses) expect(matches(address) || isIP(address) > 0, address).to.equal(false)
    for (const address of ['localhost', '[::1]', '[2001:db8::1]']) expect(matches(address), address).to.equal(true)
  })
})
