/**
 * config.json against hostile surroundings and hand edits (issue 11): secrets under other names,
 * repeated resets, duplicate keys, shared or linked directories, odd numbers, unknown keys.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {type CliHome, makeCliHome, runCli, type RunOptions} from './helpers/run-cli.js'

const mode = (path: string): number => statSync(path).mode & 0o7777

describe('config.json on disk (built CLI)', () => {
  let home: CliHome
  let file: string

  beforeEach(() => {
    home = makeCliHome()
    file = join(home.configDir, 'config.json')
  })

  afterEach(() => home.remove())

  const occ = (args: string[], options: RunOptions = {}) => runCli(args, {...options, env: {...home.env, ...options.env}})
  const place = (text: string): void => {
    mkdirSync(home.configDir, {recursive: true})
    writeFileSync(file, text)
  }

  it('config:reset twice keeps both old files: no backup is ever overwritten', async () => {
    place('{"image_source": "build"} // hand-tuned\n')
    const first = await occ(['config:reset', '--force', '--json'])
    expect(JSON.parse(first.stdout)).to.include({backup: `${file}.bak`})
    await occ(['config:set', 'update_check', 'never'])
    const second = await occ(['config:reset', '--force', '--json'])
    expect(JSON.parse(second.stdout)).to.include({backup: `${file}.bak.1`})
    expect(readFileSync(`${file}.bak`, 'utf8')).to.equal('{"image_source": "build"} // hand-tuned\n')
    expect(readFileSync(`${file}.bak.1`, 'utf8')).to.include('"update_check": "never"')
    expect(mode(`${file}.bak.1`).toString(8)).to.equal('600')
  })

  it('refuses a key written twice, naming the key and both lines, and edits nothing', async () => {
    const text = '{\n  "image_source": "build",\n  "update_check": "never",\n  "image_source": "prebuilt"\n}\n'
    place(text)
    for (const args of [['config:get', 'image_source'], ['config:set', 'image_source', 'build'], ['config:unset', 'image_source'], ['image:check']]) {
      const result = await occ(args)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(3)
      expect(result.stderr).to.include('"image_source" twice').and.include('line 2').and.include('line 4')
    }

    expect(readFileSync(file, 'utf8')).to.equal(text)
    const escaped = await occ(['config:get', 'bind'], {env: {}})
    expect(escaped.code).to.equal(3)
    place('{"bind": "a", "b\\u0069nd": "b"}')
    expect((await occ(['config:get', 'bind'])).stderr).to.include('"bind" twice')
  })

  it('leaves the mode of a config dir it did not create alone (sticky 1777, a symlinked dir), set or not', async () => {
    mkdirSync(home.configDir, {recursive: true})
    chmodSync(home.configDir, 0o1777)
    expect((await occ(['config:set', 'image_source', 'build'])).code).to.equal(0)
    expect((await occ(['config:unset', 'bind'])).code).to.equal(0)
    expect((await occ(['config:reset', '--force'])).code).to.equal(0)
    expect(mode(home.configDir).toString(8)).to.equal('1777')
    expect(mode(file).toString(8)).to.equal('600')

    const target = join(home.dir, 'shared-target')
    mkdirSync(target, {mode: 0o755})
    chmodSync(target, 0o755)
    const linked = join(home.dir, 'linked-config')
    symlinkSync(target, linked)
    expect((await occ(['config:unset', 'bind'], {env: {OCC_CONFIG_DIR: linked}})).code).to.equal(0)
    expect((await occ(['config:set', 'image_source', 'build'], {env: {OCC_CONFIG_DIR: linked}})).code).to.equal(0)
    expect(mode(target).toString(8)).to.equal('755')
  })

  it('creates a missing config dir 0700 and the file 0600 under umask 000', async () => {
    const old = process.umask(0)
    try {
      expect((await occ(['config:set', 'image_source', 'build'])).code).to.equal(0)
    } finally {
      process.umask(old)
    }

    expect(mode(home.configDir).toString(8)).to.equal('700')
    expect(mode(file).toString(8)).to.equal('600')
    expect(readdirSync(home.configDir)).to.deep.equal(['config.json'])
  })

  describe('on a file system of its own', () => {
    let mounted = false

    afterEach(() => {
      if (mounted) execFileSync('umount', [home.configDir])
      mounted = false
    })

    it('says a full or read-only disk is the disk (exit 3, the path and the fix), leaving the file and no temp file', async () => {
      mkdirSync(home.configDir, {recursive: true})
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=700', 'tmpfs', home.configDir])
      mounted = true
      expect((await occ(['config:set', 'image_source', 'build'])).code).to.equal(0)
      const before = readFileSync(file, 'utf8')
      try {
        writeFileSync(join(home.configDir, 'filler'), Buffer.alloc(1024 * 1024))
      } catch {
        // ENOSPC: the disk is full now, which is the point.
      }

      const full = await occ(['config:set', 'update_check', 'never'])
      expect(full.code, full.stderr).to.equal(3)
      expect(full.stderr).to.match(/no space left/i).and.include(home.configDir).and.not.include('Unexpected error')
      expect(readFileSync(file, 'utf8')).to.equal(before)
      expect(readdirSync(home.configDir).sort()).to.deep.equal(['config.json', 'filler'])

      execFileSync('mount', ['-o', 'remount,ro', home.configDir])
      const readOnly = await occ(['config:set', 'update_check', 'never'])
      expect(readOnly.code, readOnly.stderr).to.equal(3)
      expect(readOnly.stderr).to.match(/read-only/).and.not.include('Unexpected error')
      expect((await occ(['config:get', 'image_source'])).stdout).to.equal('build\n')
    })
  })
})
