/**
 * How occ signs in to an ssh host: the agent's keys first, then the identity files that need
 * no passphrase (occ cannot ask for one), the order in which `ssh` offers them.
 */
import type {AnyAuthMethod} from 'ssh2'

import {readFileSync} from 'node:fs'

export interface IdentityKeys {
  /** Unencrypted private keys, read: what occ can offer itself. */
  usable: {file: string; key: Buffer}[]
  /** Passphrase-protected key files: only an agent holding them can use them. */
  encrypted: string[]
}

/** Reads the identity files that exist; missing ones are skipped, as ssh skips them. */
export function readIdentityKeys(files: string[]): IdentityKeys {
  const found: IdentityKeys = {encrypted: [], usable: []}
  for (const file of files) {
    let key: Buffer
    try {
      key = readFileSync(file)
    } catch {
      continue
    }

    if (isEncryptedKey(key.toString('utf8'))) found.encrypted.push(file)
    else found.usable.push({file, key})
  }

  return found
}

const OPENSSH_MAGIC = 'openssh-key-v1\0'

/** Whether a private key file needs a passphrase: an OpenSSH key whose cipher is not "none", or an encrypted PEM. */
export function isEncryptedKey(text: string): boolean {
  const openssh = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)
  if (openssh) {
    const body = Buffer.from(openssh[1].replaceAll(/\s+/g, ''), 'base64')
    if (body.toString('latin1', 0, OPENSSH_MAGIC.length) !== OPENSSH_MAGIC || body.length < OPENSSH_MAGIC.length + 4)
      return false
    // After the magic: the cipher's name as an SSH string (uint32 length, bytes).
    const length = body.readUInt32BE(OPENSSH_MAGIC.length)
    const start = OPENSSH_MAGIC.length + 4
    return body.toString('latin1', start, start + length) !== 'none'
  }

  return /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m.test(text)
}

/** ssh2's sign-in methods, in order: the agent (when there is one), then each usable key. */
export function signInMethods(username: string, agentSocket: string | undefined, keys: IdentityKeys): AnyAuthMethod[] {
  const agent = agentSocket ? [{agent: agentSocket, type: 'agent' as const, username}] : []
  return [...agent, ...keys.usable.map(({key}) => ({key, type: 'publickey' as const, username}))]
}
