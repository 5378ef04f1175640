import {expect} from 'chai'
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {loadConfig} from '../../../src/lib/config/load.js'
import {NEW_CONFIG_TEXT, resetConfig, setConfigValue, unsetConfigValue} from '../../../src/lib/config/store.js'
import {OccError} from '../../../src/lib/errors.js'
import {useTempDir} from '../helpers/temp-dir.js'

const FIXTURES = new URL('../../fixtures/config/', import.meta.url)

async function rejection(promise: Promise<unknown>): Promise<OccError> {
  try {
    await promise
  } catch (error) {
    expect(error).to.be.instanceOf(OccError)
    return error as OccError
  }

  throw new Error('expected a rejection')
}

describe('config store', () => {
  let dir: string
  let file: string

  const temp = useTempDir('occ-store-')
  beforeEach(() => {
    dir = temp.path
    file = join(dir, 'occ', 'config.json')
  })

  const makeDir = (): void => {
    mkdirSync(dirname(file))
  }

  const text = (): string => readFileSync(file, 'utf8')
  const effective = () => loadConfig({file, env: {}}).config

  it('creates a private file in a private directory on the first set', async () => {
    expect(await setConfigValue(file, 'image_source', 'build')).to.equal('build')
    expect(text()).to.equal('{\n  "version": 1,\n  "image_source": "build"\n}\n')
    expect(statSync(file).mode & 0o777).to.equal(0o600)
    expect(statSync(join(dir, 'occ')).mode & 0o777).to.equal(0o700)
    expect(readdirSync(join(dir, 'occ'))).to.deep.equal(['config.json'])
  })

  it("keeps the original tool's comments, order and formatting", async () => {
    makeDir()
    copyFileSync(new URL('original-full.json', FIXTURES), file)
    const before = text()
    await setConfigValue(file, 'opencode_web_port', '4000')
    await setConfigValue(file, 'image_repositories', 'localhost:5000/sandbox')
    expect(text()).to.equal(
      before
        .replace('"opencode_web_port": 3100', '"opencode_web_port": 4000')
        .replace(/\n}\n$/, '\n  "image_repositories": [\n    "localhost:5000/sandbox"\n  ],\n}\n'),
    )
    expect(effective().opencode_web_port).to.equal(4000)
  })

  it('writes a key under its current name, replacing an older one', async () => {
    makeDir()
    copyFileSync(new URL('original-legacy.json', FIXTURES), file)
    await setConfigValue(file, 'opencode_web_port', '4100')
    expect(JSON.parse(text())).to.deep.include({opencode_web_port: 4100}).and.not.have.property('port')
  })

  it('leaves the file byte for byte as it was when a set fails', async () => {
    await setConfigValue(file, 'users', 'alice')
    const before = text()
    expect((await rejection(setConfigValue(file, 'opencode_web_port', '80'))).code).to.equal('invalid_value')
    expect((await rejection(setConfigValue(file, 'version', '1'))).code).to.equal('managed_key')
    writeFileSync(file, `${before.slice(0, -2)},\n  "opencode_web_port": 80\n}\n`)
    const withBad = text()
    const error = await rejection(setConfigValue(file, 'image_source', 'build'))
    expect([error.kind, error.code]).to.deep.equal(['config', 'config_invalid_value'])
    expect(text()).to.equal(withBad)
    writeFileSync(file, '{"version": 1,, }')
    expect((await rejection(setConfigValue(file, 'image_source', 'build'))).code).to.equal('config_syntax')
    expect(text()).to.equal('{"version": 1,, }')
  })

  it('unsets a key, an older name of it, or an unknown key the file has', async () => {
    await setConfigValue(file, 'image_source', 'build')
    expect(await unsetConfigValue(file, 'source')).to.deep.equal({key: 'image_source', removed: true})
    expect(await unsetConfigValue(file, 'image_source')).to.deep.equal({key: 'image_source', removed: false})
    writeFileSync(file, '{\n  "version": 1,\n  "port": 4000,\n  "imge_source": "build"\n}\n')
    expect(await unsetConfigValue(file, 'imge_source')).to.deep.equal({key: 'imge_source', removed: true})
    expect(await unsetConfigValue(file, 'opencode_web_port')).to.deep.equal({key: 'opencode_web_port', removed: true})
    expect(text()).to.equal('{\n  "version": 1\n}\n')
    const error = await rejection(unsetConfigValue(file, 'imge_sourc'))
    expect([error.code, error.suggestion]).to.deep.equal([
      'unknown_key',
      'Did you mean "image_source"? Run "occ config list" to see every key.',
    ])
    expect((await rejection(unsetConfigValue(file, 'version'))).code).to.equal('managed_key')
  })

  it("unsets and renames keys without losing a comment or a key that shares the removed key's line", async () => {
    makeDir()
    const lines = (...text: string[]): string => text.join('\n') + '\n'
    writeFileSync(file, lines('{', '  // ports', '  "port": 4000, "bind": "localhost", // mine', '  "version": 1', '}'))
    await unsetConfigValue(file, 'bind')
    expect(text()).to.equal(lines('{', '  // ports', '  "port": 4000, // mine', '  "version": 1', '}'))
    await setConfigValue(file, 'opencode_web_port', '4100')
    // The old name becomes the new one where it stands.
    expect(text()).to.equal(lines('{', '  // ports', '  "opencode_web_port": 4100, // mine', '  "version": 1', '}'))
  })

  it('resets even a file it cannot parse, keeping its bytes as config.json.bak', async () => {
    expect(await resetConfig(file)).to.deep.equal({})
    expect(existsSync(file)).to.equal(false)
    await setConfigValue(file, 'image_source', 'build')
    writeFileSync(file, '{ broken')
    expect(await resetConfig(file)).to.deep.equal({backup: `${file}.bak`})
    expect(readFileSync(`${file}.bak`, 'utf8')).to.equal('{ broken')
    expect(statSync(`${file}.bak`).mode & 0o777).to.equal(0o600)
    expect(text()).to.equal(NEW_CONFIG_TEXT)
    expect(readdirSync(join(dir, 'occ')).sort()).to.deep.equal(['config.json', 'config.json.bak'])
  })
})
