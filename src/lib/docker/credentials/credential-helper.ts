import {spawn} from 'node:child_process'

import {parseJson} from '../../json.js'
import type {RegistryCredentials} from './types.js'

/** The user name helpers answer with when the secret is an identity token. */
const TOKEN_USERNAME = '<token>'
const HELPER_NAME = /^[\w.-]+$/

/** A helper's answer is a small JSON object; anything longer than this is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024

/** After the helper exits, how long its answer may take to drain before whatever still holds the pipe is ended. */
const EXIT_GRACE_MS = 500

/**
 * Runs `docker-credential-<name> get` with the server address on stdin, as docker does. A
 * helper that is missing, fails ("credentials not found" included), times out, answers
 * something unreadable or too long gives no credentials. It ends when the helper exits, not
 * when its pipe closes: a child it left holding the pipe, or a helper past its time, is
 * killed with its whole process group.
 */
export async function runCredentialHelper(
  name: string,
  serverAddress: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 15_000,
): Promise<RegistryCredentials | undefined> {
  // A helper name is a suffix, never a path.
  if (!HELPER_NAME.test(name)) return undefined
  const output = await new Promise<string | undefined>((resolve) => {
    // A process group of its own, so that the helper and every child it starts can be ended together.
    const child = spawn(`docker-credential-${name}`, ['get'], {detached: true, env, stdio: ['pipe', 'pipe', 'ignore']})
    const chunks: Buffer[] = []
    let length = 0
    let done = false
    let grace: NodeJS.Timeout | undefined
    const finish = (answer: string | undefined) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(grace)
      if (child.exitCode === null || !child.stdout.closed) killGroup(child.pid)
      child.stdout.destroy()
      resolve(answer)
    }

    const answer = () => (child.exitCode === 0 ? Buffer.concat(chunks).toString('utf8') : undefined)
    const timer = setTimeout(() => finish(undefined), timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length > MAX_ANSWER_BYTES) finish(undefined)
      else chunks.push(chunk)
    })
    child.on('error', () => finish(undefined))
    child.on('exit', () => (grace = setTimeout(() => finish(answer()), EXIT_GRACE_MS)))
    child.on('close', () => finish(answer()))
    child.stdin.on('error', () => {})
    child.stdin.end(serverAddress)
  })
  return output === undefined ? undefined : parseHelperAnswer(output)
}

/** SIGKILL to a helper's process group; one that is already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // ESRCH: nothing of it is left.
  }
}

/** `{"ServerURL": …, "Username": …, "Secret": …}` as credentials. */
export function parseHelperAnswer(output: string): RegistryCredentials | undefined {
  const parsed = parseJson(output)
  if (parsed === undefined) return undefined
  const answer = parsed.value
  const {Secret: secret, Username: username} = (answer ?? {}) as {Secret?: unknown; Username?: unknown}
  if (typeof secret !== 'string' || secret === '') return undefined
  if (username === TOKEN_USERNAME) return {identityToken: secret}
  return typeof username === 'string' && username !== '' ? {password: secret, username} : undefined
}
