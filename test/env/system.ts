/**
 * Machine-level helpers of the test environment: apt packages, background processes tracked by
 * pid, free ports, log tails and unmounting what a dockerd left under the state dir.
 */
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync} from 'node:fs'
import {createServer} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'

/** Progress goes to stderr: stdout carries only the `export` lines. */
export function say(message: string): void {
  process.stderr.write(`[occ-test-env] ${message}\n`)
}

export class EnvironmentError extends Error {
  override name = 'EnvironmentError'
}

/** The binaries the environment runs, by absolute path (PATH order must not matter). */
export const BINARIES = {
  // Overridable to try another engine build, or to make start fail on purpose in a test.
  dockerd: process.env.OCC_TEST_DOCKERD || '/usr/sbin/dockerd',
  registry: '/usr/bin/docker-registry',
  htpasswd: '/usr/bin/htpasswd',
  openssl: '/usr/bin/openssl',
  // The engine over ssh: sshd, keys, agents, and the docker CLI that sshd runs (`docker system dial-stdio`).
  sshd: '/usr/sbin/sshd',
  sshKeygen: '/usr/bin/ssh-keygen',
  sshAgent: '/usr/bin/ssh-agent',
  sshAdd: '/usr/bin/ssh-add',
  docker: '/usr/bin/docker',
  // The engine's own bridge (network.ts).
  ip: '/bin/ip',
  // Copied into the sandbox stand-ins (sandbox.ts): must be the static build.
  busybox: '/bin/busybox',
  // The second engine (podman.ts); overridable like dockerd, e.g. to see a failed start.
  podman: process.env.OCC_TEST_PODMAN || '/usr/bin/podman',
  // Podman's containers' ports go through CNI's portmap plugin.
  cniPortmap: '/usr/lib/cni/portmap',
} as const

/** Debian packages and the file each one must provide. */
export const REQUIRED_PACKAGES: readonly {name: string; provides: string}[] = [
  {name: 'docker.io', provides: '/usr/sbin/dockerd'},
  {name: 'docker-registry', provides: BINARIES.registry},
  {name: 'apache2-utils', provides: BINARIES.htpasswd},
  {name: 'openssl', provides: BINARIES.openssl},
  {name: 'openssh-server', provides: BINARIES.sshd},
  {name: 'openssh-client', provides: BINARIES.sshAgent},
  {name: 'iproute2', provides: BINARIES.ip},
  {name: 'busybox-static', provides: BINARIES.busybox},
]

/** Installed when the environment starts podman: a failure there is podman's (see podman.ts). */
export const PODMAN_PACKAGES: readonly {name: string; provides: string}[] = [
  {name: 'podman', provides: '/usr/bin/podman'},
  // Named: podman's dependency would also accept netavark, which we do not configure.
  {name: 'containernetworking-plugins', provides: BINARIES.cniPortmap},
]

/** How long apt-get waits for a lock another apt or dpkg holds (an unattended upgrade, say) before the start fails. */
export const APT_LOCK_WAIT_S = 300

/**
 * apt's locks: dpkg's, which apt-get waits for with DPkg::Lock::Timeout, and the lists' and
 * archives', which it does not.
 */
const APT_LOCKS = [
  '/var/lib/dpkg/lock-frontend',
  '/var/lib/dpkg/lock',
  '/var/lib/apt/lists/lock',
  '/var/cache/apt/archives/lock',
]

/** apt-get's arguments for `args`: waiting up to `seconds` for dpkg's lock instead of failing at once. */
export function aptGetArgs(args: string[], seconds = APT_LOCK_WAIT_S): string[] {
  return ['-o', `DPkg::Lock::Timeout=${seconds}`, ...args]
}

/** The process holding a POSIX or OFD lock on `file` (from /proc/locks, as apt's own message names it), if any. */
export function lockHolder(file: string): string | undefined {
  let device: string
  try {
    const {dev, ino} = statSync(file)
    const hex = (value: number) => value.toString(16).padStart(2, '0')
    device = `${hex((dev >> 8) & 0xfff)}:${hex((dev & 0xff) | ((dev >> 12) & 0xfff00))}:${ino}`
  } catch {
    return undefined
  }
  // "1: POSIX  ADVISORY  WRITE 4242 fe:00:2253001 0 EOF"; a line with "->" is a process waiting, not holding.
  const holder = readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1] !== '->' && fields[5] === device)
  if (!holder) return undefined
  const pid = Number(holder[4])
  if (!(pid > 0)) return 'another process'
  try {
    return `process ${pid} (${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()})`
  } catch {
    return `process ${pid}`
  }
}

/**
 * Waits while another process holds one of `locks`, saying so once; false when it still holds one
 * after `timeoutMs`.
 */
export async function waitForLocks(
  locks: readonly string[] = APT_LOCKS,
  timeoutMs = APT_LOCK_WAIT_S * 1000,
): Promise<boolean> {
  const held = () => locks.map((lock) => ({holder: lockHolder(lock), lock})).find(({holder}) => holder !== undefined)
  const first = held()
  if (!first) return true
  say(`apt's lock ${first.lock} is held by ${first.holder}; waiting up to ${Math.round(timeoutMs / 1000)} s for it`)
  return waitUntil(() => held() === undefined, timeoutMs, 500)
}

/** Installs the missing packages with apt-get (root only), waiting for apt's locks; a no-op when all are there. */
export async function ensurePackages(packages = REQUIRED_PACKAGES): Promise<void> {
  const missing = packages.filter((pkg) => !existsSync(pkg.provides)).map((pkg) => pkg.name)
  if (missing.length === 0) return
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`missing ${missing.join(', ')}; install them as root:\n  sudo sh -c '${command}'`)
  }
  say(`installing ${missing.join(', ')} with apt-get (once)`)
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'}
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    // apt-get update does not wait for the lists' lock; DPkg::Lock::Timeout covers dpkg's if it is taken meanwhile.
    if (!(await waitForLocks()))
      throw new EnvironmentError(
        `apt's lock is still held after ${APT_LOCK_WAIT_S} s; run it by hand once it is free: ${command}`,
      )
    const result = spawnSync('apt-get', aptGetArgs(args), {env, stdio: ['ignore', 'inherit', 'inherit']})
    if (result.status !== 0) {
      throw new EnvironmentError(
        `apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}); ` +
          `run it by hand to see why: ${command}`,
      )
    }
  }
  const still = packages.filter((pkg) => !existsSync(pkg.provides))
  if (still.length > 0) {
    throw new EnvironmentError(
      `apt-get installed ${missing.join(', ')} but ${still.map((pkg) => pkg.provides).join(', ')} is still missing`,
    )
  }
}

/** Starts a detached process whose stdout and stderr go to `logFile`; returns its pid. */
export function startBackground(
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const fd = openSync(logFile, 'a')
  try {
    const child = spawn(command, args, {detached: true, env, stdio: ['ignore', fd, fd]})
    child.on('error', () => {
      /* reported through the pid check below */
    })
    child.unref()
    if (child.pid === undefined)
      throw new EnvironmentError(`could not start ${command} (is it installed?); log: ${logFile}`)
    return child.pid
  } finally {
    closeSync(fd)
  }
}

/** True when `pid` is a live (non-zombie) process whose command line mentions `marker`. */
export function isOurProcess(pid: number | undefined, marker: string): pid is number {
  if (!pid || pid <= 1) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker)
  } catch {
    return false
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL and wait again. Only for pids `isOurProcess` vouched for. */
export async function terminate(pid: number, marker: string, graceMs = 15_000): Promise<'exited' | 'killed' | 'gone'> {
  if (!isOurProcess(pid, marker)) return 'gone'
  signal(pid, 'SIGTERM')
  if (await waitUntil(() => !isOurProcess(pid, marker), graceMs)) return 'exited'
  signal(pid, 'SIGKILL')
  await waitUntil(() => !isOurProcess(pid, marker), 5000)
  return 'killed'
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Already gone.
  }
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (Date.now() >= deadline) return false
    await sleep(intervalMs)
  }
}

/** A 127.0.0.1 port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The last `lines` lines of a log file (reads at most the last 64 KiB). */
export function tail(file: string, lines = 20): string {
  try {
    const size = statSync(file).size
    const length = Math.min(size, 64 * 1024)
    const buffer = Buffer.alloc(length)
    const fd = openSync(file, 'r')
    try {
      readSync(fd, buffer, 0, length, size - length)
    } finally {
      closeSync(fd)
    }
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log written)'
  }
}

/** Live processes whose command line mentions `marker` (e.g. conmon processes a podman left behind). */
export function processesMentioning(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && isOurProcess(pid, marker))
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint): mountPoint is string => Boolean(mountPoint))
    .map((mountPoint) => mountPoint.replaceAll('\\040', ' '))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(prefix))
    .sort((a, b) => b.length - a.length)
}

/** Lazily unmounts everything left mounted under `dir` (a dockerd killed hard leaves overlays). */
export function unmountUnder(dir: string): number {
  const mounts = mountsUnder(dir)
  for (const mountPoint of mounts) {
    try {
      execFileSync('umount', ['-l', mountPoint], {stdio: 'ignore'})
    } catch {
      // Already unmounted together with a parent.
    }
  }
  return mounts.length
}
