import {expect} from 'chai'
import {copyFileSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ConfigError} from '../../../src/lib/config/errors.js'
import {expandMount, loadConfig, type LoadedConfig} from '../../../src/lib/config/load.js'
import {useTempDir} from '../helpers/temp-dir.js'

const FIXTURES = new URL('../../fixtures/config/', import.meta.url)
const HOME = '/home/tester'

describe('loadConfig', () => {
  let dir: string
  let file: string

  const temp = useTempDir('occ-load-')
  beforeEach(() => {
    dir = temp.path
    file = join(dir, 'config.json')
  })

  const load = (env: NodeJS.ProcessEnv = {}): LoadedConfig => loadConfig({file, env, home: HOME})
  const write = (text: string): void => writeFileSync(file, text)
  const fixture = (name: string): void => copyFileSync(new URL(name, FIXTURES), file)

  function loadError(env: NodeJS.ProcessEnv = {}): ConfigError {
    try {
      load(env)
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError)
      return error as ConfigError
    }

    throw new Error('loadConfig did not throw')
  }

  it('gives every default, mounts under the home directory, when there is no file', () => {
    const loaded = load()
    expect(loaded.config).to.deep.equal(loaded.defaults)
    expect(loaded.config.mounts[0]).to.equal(`${HOME}/.local/share/opencode:/home/opencoder/.local/share/opencode`)
    expect(Object.values(loaded.sources).every((source) => source === 'default')).to.equal(true)
  })

  it('treats {"version": 1} as a full config and a missing version as 1', () => {
    write('{"version": 1}')
    expect(load().config).to.deep.equal(load().defaults)
    write('{"image_source": "build"}')
    const loaded = load()
    expect(loaded.config.version).to.equal(1)
    expect(loaded.sources.version).to.equal('default')
    expect(loaded.sources.image_source).to.equal('file')
  })

  it("loads the original tool's file with all its fields, comments and trailing commas", () => {
    fixture('original-full.json')
    const {config, sources} = load()
    expect(config).to.include({
      opencode_web_port: 3100,
      boot_mode: 'system',
      auth_password: 'hunter2-secret',
      bind_address: '0.0.0.0',
      update_check: 'once',
    })
    expect(config.users).to.deep.equal(['alice', 'bob'])
    expect(config.mounts).to.deep.equal(['/srv/projects:/home/opencoder/workspace', '/etc/ssl/certs:/etc/ssl/certs:ro'])
    expect(sources.image_repositories).to.equal('default')
    expect(sources.opencode_web_port).to.equal('file')
  })

  it('migrates the oldest original format: "port" and no version', () => {
    fixture('original-legacy.json')
    const {config, sources} = load()
    expect(config.opencode_web_port).to.equal(4000)
    expect(sources.opencode_web_port).to.equal('file')
    expect(config.version).to.equal(1)
  })

  it('never writes the file while loading', () => {
    fixture('original-legacy.json')
    const before = statSync(file).mtimeMs
    load()
    expect(readFileSync(file, 'utf8')).to.equal(readFileSync(new URL('original-legacy.json', FIXTURES), 'utf8'))
    expect(statSync(file).mtimeMs).to.equal(before)
  })

  it('names the file, line and column of a syntax error', () => {
    fixture('broken.json')
    const error = loadError()
    expect(error.code).to.equal('config_syntax')
    expect(error.message).to.equal(`The config file ${file} is not valid JSON (line 4, column 3): comma expected.`)
  })

  it('rejects a version newer than it knows', () => {
    write('{"version": 2}')
    expect(loadError().message).to.equal(`The config file ${file} has version 2; this occ knows version 1 and older.`)
  })

  it('refuses a file nested deeper than any key needs before parsing, ignoring brackets in strings or comments', () => {
    write(`{"version": 1, "users": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    const error = loadError()
    expect(error.code).to.equal('config_too_deep')
    expect(error.message).to.equal(
      `The config file ${file} nests lists or objects more than 32 deep (line 1, column 56); no config key needs that.`,
    )
    write(`{"version": 1, // [[[[ ${'['.repeat(40)}\n "users": ["${'{'.repeat(40)}"], /* ${'{'.repeat(40)} */}`)
    expect(load().config.users).to.deep.equal(['{'.repeat(40)])
  })

  it('rejects a file that is not an object', () => {
    write('[1]')
    expect(loadError().message).to.equal(`The config file ${file} must hold a JSON object ({ ... }), not an array.`)
  })

  it("sets an unknown key aside (a typo, or a removed plugin's) instead of failing, and uses the rest", () => {
    write('{\n  "version": 1,\n  "imge_source": "build",\n  "update_check": "never"\n}\n')
    const loaded = load()
    expect(loaded.unknown).to.deep.equal({imge_source: 'build'})
    expect(loaded.config)
      .to.include({image_source: 'prebuilt', update_check: 'never'})
      .and.not.have.property('imge_source')
  })

  it('names an invalid value, where it is and what is allowed', () => {
    write('{\n  "opencode_web_port": 80\n}\n')
    expect(loadError().message).to.equal(
      `Invalid value for opencode_web_port in the config file ${file} (line 2, column 24): 80. ` +
        'Allowed: an integer from 1024 to 65535.',
    )
    write('{"port": "x"}')
    expect(loadError().message).to.match(/^Invalid value for opencode_web_port .*\(line 1, column 10\): "x"\./)
    write('{"auth_password": 42}')
    expect(loadError().message).to.include(': ********. Allowed: any text, or null.')
  })

  it('lets OCC_<KEY> variables win for the run, and ignores oclif variables', () => {
    write('{"image_source": "prebuilt", "update_check": "once"}')
    const {config, sources} = load({
      OCC_IMAGE_SOURCE: 'build',
      OCC_IMAGE_REPOSITORIES: 'localhost:5000/a/b,127.0.0.1:5001/c',
      OCC_CONFIG_DIR: '/elsewhere',
      OCC_DEBUG: '1',
      OCC_VERSION: '7',
      OCC_UPDATE_CHECK: '',
    })
    expect(config.image_source).to.equal('build')
    expect(sources.image_source).to.equal('env')
    expect(config.image_repositories).to.deep.equal(['localhost:5000/a/b', '127.0.0.1:5001/c'])
    expect(config.version).to.equal(1)
    expect(config.update_check).to.equal('once')
    expect(sources.update_check).to.equal('file')
    expect(load({OCC_IMAGE_REPOSITORIES: '["ghcr.io/x/y"]'}).config.image_repositories).to.deep.equal(['ghcr.io/x/y'])
  })

  it('rejects an invalid OCC_<KEY> variable by name', () => {
    const error = loadError({OCC_IMAGE_SOURCE: 'docker'})
    expect(error.code).to.equal('config_env_invalid')
    expect(error.message).to.equal(
      'Invalid value in the environment variable OCC_IMAGE_SOURCE: "docker". Allowed: one of: prebuilt, build.',
    )
  })

  it('expands $HOME and ~ at the start of a mount only', () => {
    expect(expandMount('$HOME/x:/y', HOME)).to.equal(`${HOME}/x:/y`)
    expect(expandMount('~/x:/y:ro', HOME)).to.equal(`${HOME}/x:/y:ro`)
    expect(expandMount('~:/home', HOME)).to.equal(`${HOME}:/home`)
    expect(expandMount('/a/$HOME:/y', HOME)).to.equal('/a/$HOME:/y')
    expect(expandMount('~other/x:/y', HOME)).to.equal('~other/x:/y')
  })

  it('expands ~ and $HOME followed by a backslash, as written on Windows', () => {
    expect(expandMount(String.raw`~\work:/home/opencoder/workspace`, 'C:\\Users\\me')).to.equal(
      String.raw`C:\Users\me\work:/home/opencoder/workspace`,
    )
    expect(expandMount(String.raw`$HOME\work:/w:ro`, 'C:\\Users\\me')).to.equal(String.raw`C:\Users\me\work:/w:ro`)
  })
})
