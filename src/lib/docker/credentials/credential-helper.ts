import {spawn} from 'node:child_process'

import type {RegistryCredentials} from '../../image/registry-auth.js'

/** The user name helpers answer with when the secret is an identity token. */
const TOKEN_USERNAME = '<token>'
const HELPER_NAME = /^[\w.-]+$/

/**
 * Runs `docker-credential-<name> get` with the server address on stdin, as docker does. A
 * helper that is missing, fails ("credentials not found" included), times out or answers
 * something unreadable gives no credentials.
 */
export async function runCredentialHelper(name: string, serverAddress: string, env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<RegistryCredentials | undefined> {
  // A helper name is a suffix, never a path.
  if (!HELPER_NAME.test(name)) return undefined
  const output = await new Promise<string | undefined>((resolve) => {
    const child = spawn(`docker-credential-${name}`, ['get'], {env, stdio: ['pipe', 'pipe', 'ignore'], timeout: timeoutMs})
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.on('error', () => resolve(undefined))
    child.on('close', (code) => resolve(code === 0 ? stdout : undefined))
    child.stdin.on('error', () => {})
    child.stdin.end(serverAddress)
  })
  return output === undefined ? undefined : parseHelperAnswer(output)
}

/** `{"ServerURL": …, "Username": …, "Secret": …}` as credentials. */
export function parseHelperAnswer(output: string): RegistryCredentials | undefined {
  let answer: unknown
  try {
    answer = JSON.parse(output)
  } catch {
    return undefined
  }

  const {Secret: secret, Username: username} = (answer ?? {}) as {Secret?: unknown; Username?: unknown}
  if (typeof secret !== 'string' || secret === '') return undefined
  if (username === TOKEN_USERNAME) return {identityToken: secret}
  return typeof username === 'string' && username !== '' ? {password: secret, username} : undefined
}
