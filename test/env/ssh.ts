/**
 * The test engine over ssh: an sshd of our own on 127.0.0.1 whose one authorized key may only
 * run `docker system dial-stdio` against the private engine socket (what the docker CLI and
 * docker-modem run on an ssh:// host), and an ssh agent holding that key.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {userInfo} from 'node:os'
import {join} from 'node:path'

import {
  BINARIES,
  EnvironmentError,
  freePort,
  isOurProcess,
  startBackground,
  tail,
  terminate,
  waitUntil,
} from './system.js'

export interface SshEndpoint {
  /** DOCKER_HOST for the engine through sshd, e.g. ssh://root@127.0.0.1:40022 */
  dockerHost: string
  /** SSH_AUTH_SOCK of an agent that holds the accepted key. */
  agentSocket: string
  /** An agent that holds no key the host accepts (a refused sign-in). */
  strangerSocket: string
  /** A HOME whose .ssh/known_hosts records the sshd's host key, as a first `ssh` sign-in would. */
  home: string
}

export interface SshProcesses {
  sshd?: number
  sshAgent?: number
  sshStranger?: number
}

export const SSH_PROCESSES = ['sshd', 'sshAgent', 'sshStranger'] as const satisfies readonly (keyof SshProcesses)[]

/** Starts sshd and the two agents under `dir`/ssh; records pids in `pids` as they start. */
export async function startSsh(dir: string, dockerHost: string, log: string, pids: SshProcesses): Promise<SshEndpoint> {
  const sshDir = join(dir, 'ssh')
  mkdirSync(sshDir, {recursive: true, mode: 0o700})
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  const key = (name: string) => {
    const file = join(sshDir, name)
    if (!existsSync(file))
      execFileSync(BINARIES.sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', `occ-test-${name}`, '-f', file])
    return file
  }

  const [hostKey, clientKey, strangerKey] = [key('host_key'), key('client_key'), key('stranger_key')]
  const restrictions = 'no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding'
  writeFileSync(
    join(sshDir, 'authorized_keys'),
    `command="DOCKER_HOST=${dockerHost} exec ${BINARIES.docker} system dial-stdio",${restrictions} ` +
      readFileSync(`${clientKey}.pub`, 'utf8'),
  )
  const user = userInfo().username

  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const config = join(sshDir, 'sshd_config')
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(sshDir, 'authorized_keys')}`,
        `PidFile ${join(sshDir, 'sshd.pid')}`,
        `AllowUsers ${user}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    )
    const pid = startBackground(BINARIES.sshd, ['-D', '-e', '-f', config], log)
    pids.sshd = pid
    const up = await waitUntil(
      () => !isOurProcess(pid, sshDir) || tail(log, 5).includes(`Server listening on 127.0.0.1 port ${port}`),
      10_000,
    )
    if (up && isOurProcess(pid, sshDir)) {
      const [agentSocket, strangerSocket] = await Promise.all([
        startAgent(sshDir, 'agent', clientKey, log, pids),
        startAgent(sshDir, 'stranger', strangerKey, log, pids),
      ])
      const home = join(sshDir, 'home')
      mkdirSync(join(home, '.ssh'), {recursive: true, mode: 0o700})
      const [type, key] = readFileSync(`${hostKey}.pub`, 'utf8').split(' ')
      writeFileSync(join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n`)
      return {agentSocket, dockerHost: `ssh://${user}@127.0.0.1:${port}`, home, strangerSocket}
    }

    await terminate(pid, sshDir, 2000)
    if (attempt === 3)
      throw new EnvironmentError(
        `sshd (${BINARIES.sshd} -f ${config}) did not come up on 127.0.0.1:${port}; see ${log}:\n${tail(log)}`,
      )
  }
}

async function startAgent(
  sshDir: string,
  name: 'agent' | 'stranger',
  keyFile: string,
  log: string,
  pids: SshProcesses,
): Promise<string> {
  const socket = join(sshDir, `${name}.sock`)
  const pid = startBackground(BINARIES.sshAgent, ['-D', '-a', socket], log)
  if (name === 'agent') pids.sshAgent = pid
  else pids.sshStranger = pid
  if (!(await waitUntil(() => existsSync(socket), 5000)))
    throw new EnvironmentError(`ssh-agent did not create ${socket}; see ${log}:\n${tail(log)}`)
  execFileSync(BINARIES.sshAdd, ['-q', keyFile], {
    env: {...process.env, SSH_AUTH_SOCK: socket},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return socket
}
