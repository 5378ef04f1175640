import {expect} from 'chai'
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {aptGetArgs, lockHolder, waitForLocks} from '../../env/system.js'
import {useTempDir} from '../helpers/temp-dir.js'

// Takes a POSIX (fcntl) lock, as apt and dpkg do (flock(1) takes another kind, which apt does not see), and holds it.
const HOLD =
  'import fcntl, os, sys, time\n' +
  'fd = os.open(sys.argv[1], os.O_RDWR)\n' +
  'fcntl.lockf(fd, fcntl.LOCK_EX)\n' +
  'print("held", flush=True)\n' +
  'time.sleep(float(sys.argv[2]))\n'

/** Holds a lock on `file` for `seconds` in a child process; resolves once it is held. */
async function holdLock(file: string, seconds: number): Promise<ChildProcess> {
  const child = spawn('python3', ['-c', HOLD, file, String(seconds)], {stdio: ['ignore', 'pipe', 'inherit']})
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.stdout?.once('data', () => resolve())
  })
  return child
}

/** What the code under test says on stderr while `work` runs. */
async function saidDuring(work: () => Promise<unknown>): Promise<string> {
  const write = process.stderr.write.bind(process.stderr)
  let said = ''
  process.stderr.write = (chunk: string | Uint8Array) => {
    said += String(chunk)
    return true
  }
  try {
    await work()
  } finally {
    process.stderr.write = write
  }
  return said
}

describe('test environment: apt lock held by another process', function () {
  this.timeout(30_000)
  let dir: string
  let holder: ChildProcess | undefined

  const temp = useTempDir('occ-apt-lock-')
  beforeEach(() => {
    dir = temp.path
  })
  afterEach(() => {
    holder?.kill()
    holder = undefined
  })

  it('runs apt-get so that it waits for the dpkg lock instead of failing at once', async function () {
    if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) this.skip()
    // A private dpkg admin dir: apt-get check takes its lock-frontend, and the machine's apt state is never touched.
    const admin = join(dir, 'dpkg')
    mkdirSync(join(admin, 'updates'), {recursive: true})
    for (const name of ['status', 'lock', 'lock-frontend']) writeFileSync(join(admin, name), '')
    holder = await holdLock(join(admin, 'lock-frontend'), 1.5)
    const started = Date.now()
    const check = spawnSync('apt-get', aptGetArgs(['-o', `Dir::State::status=${join(admin, 'status')}`, 'check']), {
      encoding: 'utf8',
    })
    expect(check.status, check.stderr).to.equal(0)
    expect(Date.now() - started).to.be.greaterThan(1000)
    expect(check.stdout).to.include(`Waiting for cache lock: Could not get lock ${join(admin, 'lock-frontend')}`)
    expect(aptGetArgs(['update'])).to.deep.equal(['-o', 'DPkg::Lock::Timeout=300', 'update'])
  })

  it("waits for a lock apt-get does not wait for (the lists'), saying who holds it, for a bounded time", async () => {
    const lock = join(dir, 'lock')
    writeFileSync(lock, '')
    expect(lockHolder(lock)).to.equal(undefined)
    holder = await holdLock(lock, 1.5)
    expect(lockHolder(lock)).to.equal(`process ${holder.pid} (python3)`)

    let freed: boolean | undefined
    const started = Date.now()
    const said = await saidDuring(async () => (freed = await waitForLocks([join(dir, 'absent'), lock], 20_000)))
    expect([freed, Date.now() - started > 1000]).to.deep.equal([true, true])
    expect(said).to.equal(
      `[occ-test-env] apt's lock ${lock} is held by process ${holder.pid} (python3); waiting up to 20 s for it\n`,
    )

    holder = await holdLock(lock, 10)
    expect(await saidDuring(async () => (freed = await waitForLocks([lock], 600)))).to.include('waiting up to 1 s')
    expect(freed).to.equal(false)
    expect(await waitForLocks([join(dir, 'absent')], 600)).to.equal(true)
  })
})
