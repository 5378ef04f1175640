/**
 * The host keys OpenSSH has recorded for a host (known_hosts, as `ssh` reads it), so that occ
 * trusts an ssh:// engine exactly when `ssh USER@HOST` would without asking.
 */
import {createHmac} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * The user's files (~/.ssh/known_hosts unless ~/.ssh/config's UserKnownHostsFile says otherwise),
 * then the system's: where `ssh` looks.
 */
export function knownHostsFiles(env: NodeJS.ProcessEnv = process.env, userFiles?: string[]): string[] {
  return [...(userFiles ?? [join(env.HOME || homedir(), '.ssh', 'known_hosts')]), '/etc/ssh/ssh_known_hosts']
}

export interface HostKey {
  /** The key's type as known_hosts writes it: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, … */
  type: string
  /** The public key blob (SSH wire format), what the server presents. */
  blob: Buffer
}

export interface KnownHost {
  keys: HostKey[]
  revoked: HostKey[]
}

/** The keys recorded (and revoked) for `host` on `port`, from `files` (missing files count as empty). */
export function knownHostKeys(host: string, port: number, files: string[] = knownHostsFiles()): KnownHost {
  const name = port === 22 ? host : `[${host}]:${port}`
  const found: KnownHost = {keys: [], revoked: []}
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }

    for (const line of text.split('\n')) {
      const entry = parseLine(line)
      if (entry === undefined || !entry.patterns.matches(name)) continue
      if (entry.marker === '@revoked') found.revoked.push(entry.key)
      else if (entry.marker === undefined) found.keys.push(entry.key)
    }
  }

  return found
}

/** The host key algorithms ssh may agree on for keys of these types (an RSA key signs with SHA-2 too). */
export function hostKeyAlgorithms(keys: HostKey[]): string[] {
  const types = [...new Set(keys.map((key) => key.type))]
  return types.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]))
}

interface Entry {
  marker?: string
  patterns: {matches(name: string): boolean}
  key: HostKey
}

function parseLine(line: string): Entry | undefined {
  const fields = line.trim().split(/\s+/)
  if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return undefined
  const marker = fields[0].startsWith('@') ? fields.shift() : undefined
  const [hosts, type, base64] = fields
  if (hosts === undefined || type === undefined || base64 === undefined) return undefined
  return {
    key: {blob: Buffer.from(base64, 'base64'), type},
    patterns: hostPatterns(hosts),
    ...(marker === undefined ? {} : {marker}),
  }
}

/**
 * A comma-separated host list: names, `[name]:port`, wildcards `*` `?`, negations `!`,
 * or one hashed name `|1|salt|hash`.
 */
function hostPatterns(list: string): {matches(name: string): boolean} {
  if (list.startsWith('|1|')) {
    const [salt, hash] = list.slice(3).split('|')
    return {matches: (name) => createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash}
  }

  return patternList(list.split(','))
}

/**
 * ssh's pattern list (known_hosts, ssh_config's Host): matches when a pattern does
 * and no negated one (!pattern) does; case-insensitive.
 */
export function patternList(list: string[]): {matches(name: string): boolean} {
  const patterns = list.map((pattern) => ({
    negated: pattern.startsWith('!'),
    regexp: wildcard(pattern.replace(/^!/, '')),
  }))
  return {
    matches(name) {
      const lower = name.toLowerCase()
      const hits = patterns.filter((pattern) => pattern.regexp.test(lower))
      return hits.length > 0 && !hits.some((pattern) => pattern.negated)
    },
  }
}

function wildcard(pattern: string): RegExp {
  const source = [...pattern.toLowerCase()]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[$()+.[\\\]^{|}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${source}$`)
}
