/**
 * config.json against hostile surroundings and hand edits (issue 11): secrets under other names,
 * repeated resets, duplicate keys, shared or linked directories, odd numbers, unknown keys.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {useConfigHome} from './helpers/config-home.js'

const mode = (path: string): number => statSync(path).mode & 0o7777

describe('config.json on disk (built CLI)', () => {
  const {home, occ, place} = useConfigHome()

  it('never prints a secret stored under its alias or a near-typo, in the table or --json', async () => {
    place('{"password": "hunter2", "auth_pasword": "hunter3", "my_secret_token": "hunter4"}')
    for (const args of [
      ['config:list'],
      ['config:list', '--json'],
      ['config:get', 'auth_password'],
      ['config:get', 'auth_password', '--json'],
    ]) {
      const result = await occ(args)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout + result.stderr).to.not.match(/hunter/)
    }

    const {stdout} = await occ(['config:list', '--json'])
    const entries = JSON.parse(stdout) as Array<{key: string; value: unknown}>
    expect(
      entries
        .filter((entry) => ['password', 'auth_pasword', 'my_secret_token'].includes(entry.key))
        .map((entry) => entry.value),
    ).to.deep.equal(['********', '********', '********'])
  })

  it('config:reset twice keeps both old files: no backup is ever overwritten', async () => {
    place('{"image_source": "build"} // hand-tuned\n')
    const first = await occ(['config:reset', '--force', '--json'])
    expect(JSON.parse(first.stdout)).to.include({backup: `${home.configFile}.bak`})
    await occ(['config:set', 'update_check', 'never'])
    const second = await occ(['config:reset', '--force', '--json'])
    expect(JSON.parse(second.stdout)).to.include({backup: `${home.configFile}.bak.1`})
    expect(readFileSync(`${home.configFile}.bak`, 'utf8')).to.equal('{"image_source": "build"} // hand-tuned\n')
    expect(readFileSync(`${home.configFile}.bak.1`, 'utf8')).to.include('"update_check": "never"')
    expect(mode(`${home.configFile}.bak.1`).toString(8)).to.equal('600')
  })

  it('refuses a key written twice, naming the key and both lines, and edits nothing', async () => {
    const text = '{\n  "image_source": "build",\n  "update_check": "never",\n  "image_source": "prebuilt"\n}\n'
    place(text)
    for (const args of [
      ['config:get', 'image_source'],
      ['config:set', 'image_source', 'build'],
      ['config:unset', 'image_source'],
      ['image:check'],
    ]) {
      const result = await occ(args)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(3)
      expect(result.stderr).to.include('"image_source" twice').and.include('line 2').and.include('line 4')
    }

    expect(readFileSync(home.configFile, 'utf8')).to.equal(text)
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
    expect(mode(home.configFile).toString(8)).to.equal('600')

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
    expect(mode(home.configFile).toString(8)).to.equal('600')
    expect(readdirSync(home.configDir)).to.deep.equal(['config.json'])
  })

  it('refuses ports 0, 99999 and zero-padded in repositories, and integers beyond 2^53', async () => {
    for (const repository of ['127.0.0.1:0/a/b', '127.0.0.1:99999/a/b', '127.0.0.1:05000/a/b', '127.0.0.1:65536/a/b']) {
      const result = await occ(['config:set', 'image_repositories', repository])
      expect(result.code, repository).to.equal(2)
    }

    expect((await occ(['config:set', 'image_repositories', '127.0.0.1:65535/a/b'])).code).to.equal(0)
    const big = await occ(['config:set', 'restart_delay', '100000000000000000000000'])
    expect(big.code).to.equal(2)
    expect(big.stderr).to.include('Allowed: an integer of at least 0.')
    place('{"restart_delay": 1e+23}')
    const stored = await occ(['config:get', 'restart_delay'])
    expect(stored.code).to.equal(3)
    expect(stored.stderr).to.include('Invalid value for restart_delay')
  })

  it('treats a "__proto__" key as the unknown key it is, with or without comments', async () => {
    for (const text of [
      '{"__proto__": {"image_source": "build"}}',
      '// a comment\n{"__proto__": 5, "update_check": "never",}',
    ]) {
      place(text)
      const list = await occ(['config:list', '--json'])
      expect(list.code, list.stderr).to.equal(0)
      const entries = JSON.parse(list.stdout) as Array<{key: string; source: string; value: unknown}>
      expect(entries.find((entry) => entry.key === '__proto__')).to.include({source: 'unknown'})
      expect(entries.find((entry) => entry.key === 'image_source')).to.include({value: 'prebuilt'})
      const acting = await occ(['image:check'])
      expect(acting.code).to.equal(3)
      expect(acting.stderr).to.include('Unknown key "__proto__"')
    }
  })

  describe('unknown keys and invalid overrides: one rule', () => {
    it('config:get and config:list show the config and name the unknown key; acting commands refuse', async () => {
      place('{"imge_source": "build"}')
      const get = await occ(['config:get', 'image_source'])
      expect(get.code).to.equal(0)
      expect(get.stdout).to.equal('prebuilt\n')
      expect(get.stderr).to.include('"imge_source"').and.include('Did you mean "image_source"?')
      const list = await occ(['config:list'])
      expect(list.code).to.equal(0)
      expect(list.stderr).to.include('"imge_source"')
      const check = await occ(['image:check'])
      expect(check.code).to.equal(3)
      expect(check.stderr).to.include('Unknown key "imge_source"')
    })

    it('an invalid OCC_<KEY> stops acting commands, not config:list or config:get (they name it)', async () => {
      const env = {OCC_UPDATE_CHECK: 'weekly'}
      const list = await occ(['config:list'], {env})
      expect(list.code, list.stderr).to.equal(0)
      expect(list.stdout).to.match(/^update_check +default +yes +always$/m)
      expect(list.stderr).to.include('OCC_UPDATE_CHECK').and.include('weekly')
      const get = await occ(['config:get', 'update_check'], {env})
      expect(get.code).to.equal(0)
      expect(get.stderr).to.include('OCC_UPDATE_CHECK')
      const check = await occ(['image:check'], {env})
      expect(check.code).to.equal(3)
      expect(check.stderr).to.include('OCC_UPDATE_CHECK')
    })

    it('OCC_<ALIAS> overrides like OCC_<KEY> (OCC_PORT), and two that disagree are an invalid override', async () => {
      const port = await occ(['config:get', 'opencode_web_port', '--json'], {env: {OCC_PORT: '8080'}})
      expect(JSON.parse(port.stdout)).to.deep.equal({key: 'opencode_web_port', source: 'env', value: 8080})
      const both = await occ(['config:list'], {env: {OCC_OPENCODE_WEB_PORT: '8081', OCC_PORT: '8080'}})
      expect(both.code).to.equal(0)
      expect(both.stderr).to.include('OCC_OPENCODE_WEB_PORT').and.include('OCC_PORT')
    })
  })

  describe('on a file system of its own', () => {
    let mounted = false

    afterEach(() => {
      if (mounted) execFileSync('umount', [home.configDir])
      mounted = false
    })

    it('says a read-only disk is the disk when the config dir is still to be made there', async () => {
      mkdirSync(home.configDir, {recursive: true})
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', home.configDir])
      mounted = true
      const result = await occ(['config:set', 'image_source', 'build'], {
        env: {OCC_CONFIG_DIR: join(home.configDir, 'occ', 'nested')},
      })
      expect(result.code, result.stderr).to.equal(3)
      expect(result.stderr)
        .to.match(/read-only \(EROFS\)/)
        .and.not.include('Unexpected error')
    })

    it('says a full or read-only disk is the disk (exit 3, path, fix), leaving the file and no temp file', async () => {
      mkdirSync(home.configDir, {recursive: true})
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=700', 'tmpfs', home.configDir])
      mounted = true
      expect((await occ(['config:set', 'image_source', 'build'])).code).to.equal(0)
      const before = readFileSync(home.configFile, 'utf8')
      try {
        writeFileSync(join(home.configDir, 'filler'), Buffer.alloc(1024 * 1024))
      } catch {
        // ENOSPC: the disk is full now, which is the point.
      }

      const full = await occ(['config:set', 'update_check', 'never'])
      expect(full.code, full.stderr).to.equal(3)
      expect(full.stderr)
        .to.match(/no space left/i)
        .and.include(home.configDir)
        .and.not.include('Unexpected error')
      expect(readFileSync(home.configFile, 'utf8')).to.equal(before)
      expect(readdirSync(home.configDir).sort()).to.deep.equal(['config.json', 'filler'])

      execFileSync('mount', ['-o', 'remount,ro', home.configDir])
      const readOnly = await occ(['config:set', 'update_check', 'never'])
      expect(readOnly.code, readOnly.stderr).to.equal(3)
      expect(readOnly.stderr)
        .to.match(/read-only/)
        .and.not.include('Unexpected error')
      expect((await occ(['config:get', 'image_source'])).stdout).to.equal('build\n')
    })
  })
})
