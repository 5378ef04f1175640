import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ConfigError, ConfigUsageError} from '../../../src/lib/config/errors.js'
import {loadConfig} from '../../../src/lib/config/load.js'
import {parseValue} from '../../../src/lib/config/parse-value.js'
import {checkPluginFragments, loadPluginKeys, type PluginConfigFragment} from '../../../src/lib/config/plugin-keys.js'
import {allKeys, describeAllowed, installPluginKeys, resolveKey, typeName} from '../../../src/lib/config/known-keys.js'
import {CONFIG_KEYS, type KeyName} from '../../../src/lib/config/schema.js'
import {setConfigValue, unsetConfigValue} from '../../../src/lib/config/store.js'
import {typoOf} from '../../../src/lib/config/suggest.js'
import {useTempDir} from '../helpers/temp-dir.js'

const fragment = (plugin: string, properties: Record<string, unknown>): PluginConfigFragment => ({
  fragment: {properties},
  plugin,
})
const greeting = {default: 'hi', description: 'What to say.', type: 'string'}
const times = {default: 1, description: 'How often.', maximum: 5, minimum: 1, type: 'integer'}

describe('plugin config keys', () => {
  describe('checkPluginFragments (the contract and clashes)', () => {
    it('accepts keys of every supported type, in plugin order', () => {
      const {declared, refused} = checkPluginFragments([
        fragment('a', {hello_greeting: greeting, hello_times: times}),
        fragment('b', {
          b_flag: {default: false, description: 'A flag.', type: 'boolean'},
          b_list: {
            default: [],
            description: 'A list.',
            items: {pattern: '^x', type: 'string'},
            minItems: 0,
            type: 'array',
            uniqueItems: true,
          },
          b_mood: {
            default: 'calm',
            description: 'A mood.',
            enum: ['calm', 'cheerful'],
            type: 'string',
            'x-hint': 'a mood',
          },
        }),
      ])
      expect(refused).to.deep.equal([])
      expect(declared.map(({name, plugin}) => `${plugin}:${name}`)).to.deep.equal([
        'a:hello_greeting',
        'a:hello_times',
        'b:b_flag',
        'b:b_list',
        'b:b_mood',
      ])
    })

    it("refuses a key that is occ's own, an alias of occ's, or another plugin's, naming the plugin and the key", () => {
      const {declared, refused} = checkPluginFragments([
        fragment('first', {hello_greeting: greeting, image_source: greeting, PORT: times, port: times}),
        fragment('second', {hello_greeting: greeting, hello_other: greeting}),
      ])
      expect(declared.map(({name, plugin}) => `${plugin}:${name}`)).to.deep.equal([
        'first:hello_greeting',
        'second:hello_other',
      ])
      expect(refused).to.deep.equal([
        {key: 'image_source', plugin: 'first', reason: "it is occ's own key"},
        {
          key: 'PORT',
          plugin: 'first',
          reason: 'the name is not lower-case letters, digits and _ starting with a letter (at most 64)',
        },
        {key: 'port', plugin: 'first', reason: "it is an alias of occ's key opencode_web_port"},
        {key: 'hello_greeting', plugin: 'second', reason: 'the plugin first declares it already'},
      ])
    })

    it('refuses schemas outside the contract, with the reason, and keeps the good keys of the same plugin', () => {
      const {declared, refused} = checkPluginFragments([
        fragment('p', {
          p_good: greeting,
          p_object: {default: {}, description: 'An object.', type: 'object'},
          p_secret: {...greeting, 'x-secret': true},
          p_no_description: {default: 'x', type: 'string'},
          p_no_default: {description: 'No default.', type: 'string'},
          p_upper_enum: {default: 'A', description: 'Upper case.', enum: ['A'], type: 'string'},
          p_numbers: {default: [1], description: 'Numbers.', items: {type: 'integer'}, type: 'array'},
          p_float_min: {default: 1, description: 'Float.', minimum: 0.5, type: 'integer'},
        }),
      ])
      expect(declared.map(({name}) => name)).to.deep.equal(['p_good'])
      expect(Object.fromEntries(refused.map(({key, reason}) => [key, reason]))).to.deep.equal({
        p_float_min: '"minimum" must be an integer',
        p_no_default: 'it has no "default"',
        p_no_description: 'it has no "description"',
        p_numbers: '"items" must be {"type": "string"}, optionally with a "pattern"',
        p_object: 'its type "object" is not one occ supports (string, integer, boolean or array)',
        p_secret:
          'the keyword "x-secret" is not supported for a string key ' +
          '(allowed: type, description, default, x-hint, enum, pattern)',
        p_upper_enum: '"enum" values must be lower-case (occ matches them in any case)',
      })
    })

    it('refuses a whole fragment that is not {"properties": {...}}', () => {
      for (const broken of [null, 'text', {}, {properties: []}, {properties: {}, extra: 1}]) {
        expect(checkPluginFragments([{fragment: broken, plugin: 'p'}]).refused, JSON.stringify(broken)).to.deep.equal([
          {plugin: 'p', reason: 'oclif.occConfig must be an object with only "properties": {"<key>": {schema}, ...}'},
        ])
      }
    })
  })

  describe('loadPluginKeys (compiled validators)', () => {
    it('refuses a default that is not allowed and a pattern that does not compile', async () => {
      const {keys, refused} = await loadPluginKeys([
        fragment('p', {p_bad_default: {...times, default: 9}, p_bad_pattern: {...greeting, pattern: '('}, p_ok: times}),
      ])
      expect(keys.map(({name}) => name)).to.deep.equal(['p_ok'])
      expect(refused.map(({key}) => key)).to.deep.equal(['p_bad_default', 'p_bad_pattern'])
      expect(refused[0].reason).to.equal('its default 9 is not an allowed value')
      expect(refused[1].reason).to.match(/^its schema does not compile \(/)
      expect(keys[0].validate(3)).to.equal(true)
      expect(keys[0].validate(6)).to.equal(false)
      expect(keys[0].validate('3')).to.equal(false)
    })
  })

  describe('registered, they work like occ keys', () => {
    let dir: string
    let file: string

    before(async () => {
      const {keys} = await loadPluginKeys([
        fragment('occ-plugin-hello', {hello_greeting: greeting, hello_times: times}),
      ])
      installPluginKeys(keys)
    })

    after(() => installPluginKeys([]))

    const temp = useTempDir('occ-plugin-keys-')
    beforeEach(() => {
      dir = temp.path
      file = join(dir, 'config.json')
    })

    it('are known, described, parsed by type and suggested', () => {
      expect(allKeys()).to.deep.equal([...CONFIG_KEYS, 'hello_greeting', 'hello_times'])
      const hello = resolveKey('Hello_Times') as KeyName
      expect(hello).to.equal('hello_times')
      expect([typeName(hello), describeAllowed(hello)]).to.deep.equal(['integer', 'an integer from 1 to 5'])
      expect(parseValue(hello, ' 4 ')).to.equal(4)
      expect(() => parseValue(hello, '6')).to.throw(
        ConfigUsageError,
        'Invalid value for hello_times: "6". Allowed: an integer from 1 to 5.',
      )
      expect(typoOf('hello_greting')).to.equal('hello_greeting')
    })

    it('load with their defaults, from the file and from OCC_<KEY>', () => {
      expect(loadConfig({env: {}, file}).config).to.include({hello_greeting: 'hi', hello_times: 1})
      writeFileSync(file, '{"hello_times": 2, "gone_plugin_key": true}')
      const loaded = loadConfig({env: {OCC_HELLO_GREETING: 'hey'}, file})
      expect(loaded.config).to.include({hello_greeting: 'hey', hello_times: 2})
      expect(loaded.sources).to.include({hello_greeting: 'env', hello_times: 'file'})
      expect(loaded.unknown).to.deep.equal({gone_plugin_key: true})
    })

    it('are validated in the file like occ keys', () => {
      writeFileSync(file, '{\n  "hello_times": 7\n}\n')
      expect(() => loadConfig({env: {}, file})).to.throw(
        ConfigError,
        `Invalid value for hello_times in the config file ${file} (line 2, column 18): 7. ` +
          'Allowed: an integer from 1 to 5.',
      )
    })

    it("are set and unset in the file, next to a removed plugin's key that stays", async () => {
      writeFileSync(file, '{\n  "version": 1,\n  "gone_plugin_key": true\n}\n')
      await setConfigValue(file, 'hello_times' as KeyName, '5')
      expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal({gone_plugin_key: true, hello_times: 5, version: 1})
      expect(await unsetConfigValue(file, 'hello_greeting')).to.deep.equal({key: 'hello_greeting', removed: false})
      expect(await unsetConfigValue(file, 'hello_times')).to.deep.equal({key: 'hello_times', removed: true})
      expect(await unsetConfigValue(file, 'gone_plugin_key')).to.deep.equal({key: 'gone_plugin_key', removed: true})
    })
  })
})
