import {createInterface} from 'node:readline/promises'

import {InterruptedError} from '../errors.js'

/** Asks a yes/no question on the terminal; only "y"/"yes" is yes. Ctrl-C interrupts. */
export async function confirm(question: string, signal: AbortSignal): Promise<boolean> {
  const reader = createInterface({input: process.stdin, output: process.stderr})
  const stop = new AbortController()
  // readline swallows ^C on a raw terminal; treat it like the SIGINT the command handles.
  reader.on('SIGINT', () => stop.abort())
  signal.addEventListener('abort', () => stop.abort(), {once: true})
  try {
    const answer = await reader.question(`${question} [y/N] `, {signal: stop.signal})
    return /^y(?:es)?$/i.test(answer.trim())
  } catch (error) {
    if (stop.signal.aborted) throw new InterruptedError('the confirmation')
    throw error
  } finally {
    reader.close()
  }
}

/** Writes a line to stderr; for warnings that must show even when progress is hidden. */
export function warnLine(message: string): void {
  process.stderr.write(`${message}\n`)
}
