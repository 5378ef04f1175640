import {expect} from 'chai'
import {mkdir, symlink, utimes, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {InterruptedError, LockPathError, LockTimeoutError} from '../../src/lib/errors.js'
import {withFileLock} from '../../src/lib/lock.js'
import {useTempDir} from './helpers/temp-dir.js'

describe('withFileLock', () => {
  let dir: string
  let file: string

  const temp = useTempDir('occ-lock-')
  beforeEach(() => {
    dir = temp.path
    file = join(dir, 'nested', 'image-state.json')
  })

  it('creates the directory, runs the work and releases the lock', async () => {
    expect(await withFileLock(file, async () => 42)).to.equal(42)
    expect(await withFileLock(file, async () => 'again')).to.equal('again')
  })

  it('releases the lock when the work throws', async () => {
    await withFileLock(file, async () => {
      throw new Error('boom')
    }).catch(() => undefined)
    expect(await withFileLock(file, async () => 'free')).to.equal('free')
  })

  it('takes over a lock left by a dead process once it is stale', async () => {
    await mkdir(`${file}.lock`, {recursive: true})
    const old = new Date(Date.now() - 60_000)
    await utimes(`${file}.lock`, old, old)
    expect(await withFileLock(file, async () => 'taken', {staleMs: 5000})).to.equal('taken')
  })

  it('takes over a lock whose time is in the future (no live holder can have set it)', async () => {
    await mkdir(`${file}.lock`, {recursive: true})
    const future = new Date(Date.now() + 3_600_000)
    await utimes(`${file}.lock`, future, future)
    expect(await withFileLock(file, async () => 'taken', {pollMs: 10, staleMs: 5000, timeoutMs: 1000})).to.equal(
      'taken',
    )
  })

  for (const [what, make] of [
    ['a file', async (path: string) => writeFile(path, 'x')],
    ['a directory with files in it', async (path: string) => mkdir(join(path, 'inside'), {recursive: true})],
    ['a symbolic link', async (path: string) => symlink(dir, path)],
  ] as const) {
    it(`names the lock path and what is there when it is ${what}, at once`, async () => {
      await mkdir(dirname(file), {recursive: true})
      await make(`${file}.lock`)
      const old = new Date(Date.now() - 60_000)
      await utimes(`${file}.lock`, old, old).catch(() => undefined)
      for (const staleMs of [5000, 600_000]) {
        const error = await withFileLock(file, async () => 'never', {pollMs: 10, staleMs, timeoutMs: 5000}).catch(
          (error_: unknown) => error_,
        )
        expect(error).to.be.instanceOf(LockPathError)
        expect((error as LockPathError).message).to.equal(
          `Cannot lock ${file}: ${file}.lock is ${what}, not a lock occ made.`,
        )
        expect((error as LockPathError).exitCode).to.equal(10)
      }
    })
  }

  it('gives up with LockTimeoutError after the timeout', async () => {
    await mkdir(`${file}.lock`, {recursive: true})
    const error = await withFileLock(file, async () => 'never', {pollMs: 10, timeoutMs: 100}).catch(
      (error_: unknown) => error_,
    )
    expect(error).to.be.instanceOf(LockTimeoutError)
  })

  it('stops waiting with InterruptedError when aborted', async () => {
    await mkdir(`${file}.lock`, {recursive: true})
    const controller = new AbortController()
    let waits = 0
    const pending = withFileLock(file, async () => 'never', {
      onWait: () => {
        waits++
        setTimeout(() => controller.abort(), 30)
      },
      pollMs: 10,
      signal: controller.signal,
    })
    expect(await pending.catch((error: unknown) => error)).to.be.instanceOf(InterruptedError)
    expect(waits).to.equal(1)
  })
})
