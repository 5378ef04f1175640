/**
 * Where and as whom occ signs in to an ssh:// engine: the URL's host, port and user, completed
 * from ~/.ssh/config as `ssh` completes them (the docker CLI runs the system ssh, which does).
 */
import {homedir, userInfo} from 'node:os'
import {join} from 'node:path'

import type {EngineConnection} from './endpoint.js'

import {sshConfigFiles, sshHostConfig} from './ssh-config.js'

type SshConnection = Extract<EngineConnection, {kind: 'ssh'}>

export interface SshTarget {
  /** The name to dial and to look up in known_hosts: HostName, else the host as given. */
  host: string
  port: number
  username: string
  /** Private keys to offer after the agent's: IdentityFile entries, else ssh's default files. */
  identityFiles: string[]
  /** The user's known_hosts files: UserKnownHostsFile, else undefined (~/.ssh/known_hosts); empty for "none". */
  userKnownHostsFiles?: string[]
}

export interface SshTargetOptions {
  env?: NodeJS.ProcessEnv
  /** ssh_config files, in order (default ~/.ssh/config, /etc/ssh/ssh_config). */
  files?: string[]
  /** The local user name, ssh's default remote user. */
  localUser?: string
}

/** ssh's default identity files (the ones ssh2 can use), tried when the config names none. */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519']

/**
 * The URL wins where it says something (user, port), as `ssh -l USER -p PORT HOST` would;
 * the config fills the rest.
 */
export function resolveSshTarget(
  connection: SshConnection,
  {env = process.env, files, localUser}: SshTargetOptions = {},
): SshTarget {
  const home = env.HOME || homedir()
  const config = sshHostConfig(connection.host, files ?? sshConfigFiles(env), home)
  const local = localUser ?? userInfo().username
  const host =
    config.hostName === undefined ? connection.host : expandTokens(config.hostName, {'%': '%', h: connection.host})
  const port = connection.defaultPort ? (config.port ?? 22) : connection.port
  const username = connection.username ?? config.user ?? local
  const tokens = {'%': '%', d: home, h: host, n: connection.host, p: String(port), r: username, u: local}
  const path = (file: string) => expandPath(expandTokens(file, tokens), home)
  const identityFiles =
    config.identityFiles.length > 0
      ? config.identityFiles.map(path)
      : DEFAULT_IDENTITIES.map((name) => join(home, '.ssh', name))
  const known = config.userKnownHostsFiles
  const userKnownHostsFiles =
    known === undefined ? undefined : known.some((file) => file.toLowerCase() === 'none') ? [] : known.map(path)
  return {host, identityFiles, port, username, ...(userKnownHostsFiles === undefined ? {} : {userKnownHostsFiles})}
}

/**
 * ssh's %-tokens (%h host, %p port, %r remote user, %u local user, %d home, %n host as typed, %% a percent sign);
 * others stay as written.
 */
function expandTokens(text: string, tokens: Record<string, string>): string {
  return text.replaceAll(/%(.)/g, (whole, token: string) => tokens[token] ?? whole)
}

/** ~ is the home directory (ssh's tilde expansion). */
function expandPath(file: string, home: string): string {
  if (file === '~') return home
  return file.startsWith('~/') ? join(home, file.slice(2)) : file
}
