/**
 * The engine on this machine, per platform, as the docker CLI and Docker Desktop place it: a
 * unix socket on Linux and macOS, a named pipe on Windows. Pure functions of env and platform,
 * so that unit tests on Linux cover macOS and Windows.
 */
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {posix} from 'node:path'

/** A local engine: the path node:http connects to (socketPath takes a named pipe on Windows) and its URI. */
export interface LocalSocket {
  socketPath: string
  uri: string
}

const UNIX_SOCKET = '/var/run/docker.sock'
/** docker's DefaultNamedPipe, the address after npipe:// */
const DEFAULT_PIPE = '//./pipe/docker_engine'
const PIPE: LocalSocket = {socketPath: String.raw`\\.\pipe\docker_engine`, uri: `npipe://${DEFAULT_PIPE}`}

/**
 * The default engines of a platform, in the order they are tried: on Windows the pipe of
 * Docker Desktop (and of dockerd), on macOS /var/run/docker.sock and then Docker Desktop's
 * per-user socket (used when the privileged /var/run symlink is off), elsewhere the socket.
 */
export function localEngineCandidates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): LocalSocket[] {
  if (platform === 'win32') return [PIPE]
  const unix = {socketPath: UNIX_SOCKET, uri: `unix://${UNIX_SOCKET}`}
  if (platform !== 'darwin') return [unix]
  const desktop = posix.join(env.HOME || homedir(), '.docker', 'run', 'docker.sock')
  return [unix, {socketPath: desktop, uri: `unix://${desktop}`}]
}

/**
 * The first candidate that exists, else the last: on macOS Docker Desktop's socket, which a
 * fresh install uses, so that "not running" names the socket it will create.
 */
export function localEngine(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  exists: (path: string) => boolean = existsSync,
): LocalSocket {
  const candidates = localEngineCandidates(env, platform)
  return candidates.find((candidate) => exists(candidate.socketPath)) ?? candidates[candidates.length - 1]
}

/**
 * The address of an npipe:// URI, as docker takes it (npipe:////./pipe/NAME, or with
 * backslashes), as the pipe path Windows opens (\\.\pipe\NAME) and the canonical URI;
 * undefined when it is not \\SERVER\pipe\NAME. An empty address is docker's default pipe.
 */
export function namedPipe(address: string): LocalSocket | undefined {
  const slashed = (address || DEFAULT_PIPE).replaceAll('\\', '/')
  const match = /^\/\/([^/]+)\/pipe\/([^/]+)$/i.exec(slashed)
  if (!match) return undefined
  return {socketPath: `\\\\${match[1]}\\pipe\\${match[2]}`, uri: `npipe://${slashed}`}
}
