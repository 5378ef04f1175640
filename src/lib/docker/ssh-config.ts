/**
 * OpenSSH's client configuration (~/.ssh/config, then /etc/ssh/ssh_config), read as `ssh` reads
 * it for one host: blocks apply when their Host (or Match) patterns match, the first value
 * obtained for a keyword wins (so `Host *` goes last), IdentityFile adds up. Only the keywords
 * that decide where and as whom occ connects are kept.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, isAbsolute, join} from 'node:path'

import {patternList} from './known-hosts.js'

/** What the configuration says for one host; undefined where it says nothing. */
export interface SshHostConfig {
  hostName?: string
  port?: number
  user?: string
  /** As written (~ and %-tokens not yet expanded). */
  identityFiles: string[]
  userKnownHostsFiles?: string[]
}

/** ~/.ssh/config, then the system's file: where `ssh` looks. */
export function sshConfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return [join(env.HOME || homedir(), '.ssh', 'config'), '/etc/ssh/ssh_config']
}

/**
 * The configuration for `host` (as typed: an alias is matched, not its HostName) from `files`;
 * missing files count as empty.
 */
export function sshHostConfig(host: string, files: string[], home: string): SshHostConfig {
  const found: SshHostConfig = {identityFiles: []}
  const state = {found, home, host: host.toLowerCase()}
  for (const [index, file] of files.entries())
    readConfigFile(file, state, index === 0 ? join(home, '.ssh') : dirname(file), 0)
  return found
}

interface ReadState {
  /** What the files said so far: the first value of each keyword wins, as in ssh. */
  found: SshHostConfig
  host: string
  home: string
}

/** ssh refuses deeper Include chains; so does occ, rather than loop. */
const MAX_INCLUDE_DEPTH = 16

function readConfigFile(file: string, state: ReadState, includeBase: string, depth: number): void {
  const {found} = state
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return
  }

  // Lines before the first Host or Match apply to every host.
  let active = true
  for (const line of text.split(/\r?\n/)) {
    const words = splitLine(line)
    if (words.length === 0) continue
    const [keyword, ...args] = words
    const key = keyword.toLowerCase()
    if (key === 'host') active = patternList(args).matches(state.host)
    else if (key === 'match') active = matchBlock(args, found.hostName ?? state.host, state.host)
    else if (active && key === 'include' && depth < MAX_INCLUDE_DEPTH) {
      for (const included of args.flatMap((arg) => expandInclude(arg, state.home, includeBase)))
        readConfigFile(included, state, includeBase, depth + 1)
    } else if (active) take(found, key, args)
  }
}

function take(found: SshHostConfig, key: string, args: string[]): void {
  const [first] = args
  if (first === undefined) return
  switch (key) {
    case 'hostname': {
      found.hostName ??= first
      break
    }

    case 'port': {
      const port = Number(first)
      if (found.port === undefined && Number.isInteger(port) && port > 0 && port < 65_536) found.port = port
      break
    }

    case 'user': {
      found.user ??= first
      break
    }

    case 'identityfile': {
      found.identityFiles.push(first)
      break
    }

    case 'userknownhostsfile': {
      found.userKnownHostsFiles ??= args
      break
    }
  }
}

/**
 * `Match all`, `Match host|originalhost PATTERNS` (`!` negates);
 * other criteria (exec, user, …) are not evaluated and never match.
 */
function matchBlock(args: string[], hostName: string, original: string): boolean {
  for (let index = 0; index < args.length; index++) {
    const criterion = args[index].toLowerCase()
    const negated = criterion.startsWith('!')
    const name = criterion.replace(/^!/, '')
    if (name === 'all') continue
    if (name !== 'host' && name !== 'originalhost') return false
    const list = args[++index]
    if (list === undefined || patternList(list.split(',')).matches(name === 'host' ? hostName : original) === negated)
      return false
  }

  return true
}

/** Include paths: ~ for home, relative ones under ~/.ssh (or /etc/ssh), `*` and `?` in the last part. */
function expandInclude(pattern: string, home: string, base: string): string[] {
  const path = pattern.startsWith('~/')
    ? join(home, pattern.slice(2))
    : isAbsolute(pattern)
      ? pattern
      : join(base, pattern)
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (!/[*?]/.test(name)) return [path]
  const dir = dirname(path)
  try {
    // Matched without regard to case (glob(3) minds it): a difference only for names that differ by case alone.
    const matcher = patternList([name])
    return readdirSync(dir)
      .filter((entry) => matcher.matches(entry))
      .sort()
      .map((entry) => join(dir, entry))
  } catch {
    return []
  }
}

/** A line's keyword and arguments: `Key value` or `Key=value`; double quotes group; `#` starts a comment. */
export function splitLine(line: string): string[] {
  const head = /^\s*([^\s#=][^\s=]*)\s*=?\s*(.*)$/.exec(line)
  if (!head) return []
  const words = [head[1]]
  for (const match of head[2].matchAll(/"([^"]*)"|(\S+)/g)) {
    if (match[2]?.startsWith('#')) break
    words.push(match[1] ?? match[2])
  }

  return words
}
