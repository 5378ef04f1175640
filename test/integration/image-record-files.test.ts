/**
 * The image record's file against hostile surroundings (issue 11): a permissive umask, a planted
 * symlink, a full or read-only disk, a record too deep or with invalid fields, a blocked lock path.
 */
import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {
  CURRENT,
  engine,
  imageId,
  type ImageHome,
  PREVIOUS,
  pullTag,
  repository,
  seed,
  useFreshImageHome,
} from './helpers/occ-image.js'
import {runCli} from './helpers/run-cli.js'

const docker = engine()
const mode = (path: string): number => statSync(path).mode & 0o7777

describe('the image record on disk', function () {
  this.timeout(120_000)
  let home: ImageHome
  let env: Record<string, string>

  useFreshImageHome(docker, (created) => {
    home = created
    env = home.envFor([repository('primary')], {OCC_UPDATE_CHECK: 'never'})
  })

  const occ = (args: string[], extra: Record<string, string> = {}) => runCli(args, {env: {...env, ...extra}})
  const pull = (tag = '25.1.3') => pullTag(env, tag)

  const record = (fields: Record<string, unknown>) => ({
    acquired_at: '2026-01-24T23:15:28.000Z',
    image: `${repository('primary')}:25.1.3`,
    image_id: seed('primary', '25.1.3').configDigest,
    registry: repository('primary').split('/')[0],
    source: 'prebuilt',
    version: '25.1.3',
    ...fields,
  })
  const place = (value: unknown) => {
    mkdirSync(dirname(home.stateFile), {recursive: true})
    writeFileSync(home.stateFile, typeof value === 'string' ? value : JSON.stringify(value))
  }

  it('keeps the data dir private, the record 0600 under umask 000; never writes through a planted link', async () => {
    const old = process.umask(0)
    try {
      await pull()
      expect(mode(home.dataDir).toString(8)).to.equal('700')
      expect(mode(dirname(home.stateFile)).toString(8)).to.equal('700')
      expect(mode(home.stateFile).toString(8)).to.equal('600')

      // Another user's trap at every name a temp file could once be predicted by.
      const victim = join(home.dir, 'victim')
      writeFileSync(victim, 'precious')
      const dir = dirname(home.stateFile)
      for (const name of [`.${basename(home.stateFile)}.tmp`, `${basename(home.stateFile)}.tmp`])
        symlinkSync(victim, join(dir, name))
      await pull('25.0.0')
      expect(readFileSync(victim, 'utf8')).to.equal('precious')
      expect(JSON.parse(home.stateText() ?? '{}')).to.include({version: '25.0.0'})
      expect(mode(home.stateFile).toString(8)).to.equal('600')
    } finally {
      process.umask(old)
    }
  })

  it('reads a record whose previous chain is thousands deep, keeps one generation; next write bounds it', async () => {
    // Built as text: JSON.stringify itself recurses and would overflow first.
    const levels = Array.from({length: 20_000}, (_, level) =>
      JSON.stringify(record({version: `0.${19_999 - level}.0`})).replace(/}$/, ',"previous":'),
    )
    place(`${levels.join('')}${JSON.stringify(record({version: '0.0.1'}))}${'}'.repeat(levels.length)}`)
    const state = await occ(['image:state', '--json'])
    expect(state.code, state.stderr).to.equal(0)
    expect(state.stderr).to.not.include('Maximum call stack')
    const shown = JSON.parse(state.stdout) as {state: {previous: Record<string, unknown>}}
    expect(shown.state.previous).to.include({version: '0.19998.0'})
    expect(shown.state.previous).to.not.have.property('previous')

    const {readImageState} = await import('../../src/index.js')
    const read = await readImageState({env: {...process.env, ...env}})
    expect(read?.previous?.version).to.equal('0.19998.0')

    await pull()
    const written = JSON.parse(home.stateText() ?? '{}') as {previous?: {previous?: unknown}}
    expect(written.previous?.previous).to.equal(undefined)
  })

  for (const [what, fields, problem] of [
    ['an image that is not a reference', {image: 'not a reference!!'}, /image/],
    ['an empty image id', {image_id: ''}, /image_id/],
    ['an image id that is a path', {image_id: '../../containers/json'}, /image_id/],
    ['a time that is not one', {acquired_at: 'yesterday'}, /acquired_at/],
    ['an invalid previous record', {previous: record({image_id: ''})}, /previous/],
  ] as const) {
    it(`moves a record with ${what} aside as invalid, and image:clear repairs it`, async () => {
      place(record(fields))
      const state = await occ(['image:state', '--json'])
      expect(state.code, state.stderr).to.equal(0)
      expect(JSON.parse(state.stdout)).to.include({state: null})
      expect(state.stderr)
        .to.match(/Warning: the image record .* is invalid/)
        .and.match(problem)
      const names = readdirSync(dirname(home.stateFile))
      expect(
        names.some((name) => name.startsWith(`${basename(home.stateFile)}.corrupt-`)),
        names.join(', '),
      ).to.equal(true)

      place(record(fields))
      const clear = await occ(['image:clear', '--remove-image', '--force'])
      expect(clear.code, clear.stderr).to.equal(0)
      expect(home.stateText()).to.equal(undefined)
    })
  }

  it('image:state shows the record despite an unknown config key, and says it skipped its update check', async () => {
    place(record({}))
    mkdirSync(home.configDir, {recursive: true})
    writeFileSync(join(home.configDir, 'config.json'), '{"imge_source": "build"}')
    const state = await occ(['image:state'])
    expect(state.code, state.stderr).to.equal(0)
    expect(state.stdout).to.include('v25.1.3')
    expect(state.stderr).to.include('automatic update check was skipped').and.include('Unknown key "imge_source"')
  })

  it('names the path and the fix when the lock path is in the way (a file, a non-empty directory)', async () => {
    await pull()
    writeFileSync(`${home.stateFile}.lock`, 'not a lock')
    const blocked = await occ(['image:pull', '--tag', '25.0.0'])
    expect(blocked.code, blocked.stderr).to.equal(10)
    expect(blocked.stderr).to.include(`${home.stateFile}.lock`).and.not.include('Unexpected error')
    rmSync(`${home.stateFile}.lock`)

    mkdirSync(join(`${home.stateFile}.lock`, 'stuff'), {recursive: true})
    const full = await occ(['image:clear'])
    expect(full.code, full.stderr).to.equal(10)
    expect(full.stderr).to.include(`${home.stateFile}.lock`).and.not.include('Unexpected error')
  })

  describe('on a file system of its own', () => {
    let mounted = false

    const mountData = (options: string) => {
      mkdirSync(home.dataDir, {recursive: true})
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', home.dataDir])
      mounted = true
    }

    afterEach(() => {
      if (mounted) execFileSync('umount', [home.dataDir])
      mounted = false
    })

    it('on a full disk leaves tags, record and directory as they were; says it is the disk (not a bug)', async () => {
      mountData('size=256k,mode=700')
      await pull('25.0.0')
      await pull()
      const tags = {current: await imageId(docker, CURRENT), previous: await imageId(docker, PREVIOUS)}
      const before = home.stateText()
      const names = readdirSync(dirname(home.stateFile)).sort()
      try {
        writeFileSync(join(home.dataDir, 'filler'), Buffer.alloc(1024 * 1024))
      } catch {
        // ENOSPC: the disk is full now, which is the point.
      }

      const result = await occ(['image:pull', '--tag', 'latest'])
      expect(result.code, result.stderr).to.equal(8)
      expect(result.stderr).to.not.include('Unexpected error').and.not.include('report it')
      expect(result.stderr)
        .to.match(/no space left/i)
        .and.include(home.dataDir)
      expect({current: await imageId(docker, CURRENT), previous: await imageId(docker, PREVIOUS)}).to.deep.equal(tags)
      expect(home.stateText()).to.equal(before)
      expect(readdirSync(dirname(home.stateFile)).sort()).to.deep.equal(names)

      const rollback = await occ(['image:rollback'])
      expect(rollback.code, rollback.stderr).to.equal(8)
      expect(rollback.stderr)
        .to.match(/no space left/i)
        .and.not.include('Unexpected error')
      expect({current: await imageId(docker, CURRENT), previous: await imageId(docker, PREVIOUS)}).to.deep.equal(tags)
      expect(home.stateText()).to.equal(before)
    })

    it('on a read-only disk still reads (image:state, image:check), refuses changes with a clear error', async () => {
      mountData('size=1m,mode=700')
      await pull()
      execFileSync('mount', ['-o', 'remount,ro', home.dataDir])
      const before = home.stateText()

      const state = await occ(['image:state', '--json'], {OCC_UPDATE_CHECK: 'always'})
      expect(state.code, state.stderr).to.equal(0)
      expect(state.stderr).to.not.include('Unexpected error')
      const check = await occ(['image:check'])
      expect(check.code, check.stderr).to.equal(0)
      expect(check.stderr).to.not.include('Unexpected error')

      const pulled = await occ(['image:pull', '--tag', '25.0.0'])
      expect(pulled.code, pulled.stderr).to.equal(8)
      expect(pulled.stderr)
        .to.match(/read-only/)
        .and.include(home.dataDir)
        .and.not.include('Unexpected error')
      expect(home.stateText()).to.equal(before)
    })
  })
})
