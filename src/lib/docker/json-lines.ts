/**
 * The engine's progress streams (pull, build) are newline-delimited JSON objects; this reads
 * them whatever the chunking and finds the error an object reports.
 */
import {StringDecoder} from 'node:string_decoder'

import {isRecord, parseJson} from '../json.js'
import {printable} from '../printable.js'

/** One line of a stream: the decoded object, or the text when it is not a JSON object. */
export type JsonLine = {object: Record<string, unknown>} | {unreadable: string}

export async function* readJsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<JsonLine> {
  // A character of several bytes may be split between two chunks: the decoder keeps its first part.
  const decoder = new StringDecoder('utf8')
  let pending = ''
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk)
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const decoded = decodeLine(line)
      if (decoded) yield decoded
    }
  }

  const last = decodeLine(pending + decoder.end())
  if (last) yield last
}

function decodeLine(line: string): JsonLine | undefined {
  const text = line.trim()
  if (!text) return undefined
  const value = parseJson(text)?.value
  // A line that is not JSON is reported like any other line that is not an object.
  return isRecord(value) ? {object: value} : {unreadable: printable(text.slice(0, 200))}
}

/** The failure a stream object reports in `error`/`errorDetail`; these win over anything else in it. */
export function streamError(raw: {
  error?: unknown
  errorDetail?: unknown
}): {code?: number; message: string} | undefined {
  const detail =
    raw.errorDetail !== null && typeof raw.errorDetail === 'object'
      ? (raw.errorDetail as {code?: unknown; message?: unknown})
      : undefined
  const message =
    typeof detail?.message === 'string' ? detail.message : typeof raw.error === 'string' ? raw.error : undefined
  if (message === undefined && raw.errorDetail === undefined) return undefined
  const code =
    typeof detail?.code === 'number' && Number.isFinite(detail.code) && detail.code >= 0 ? detail.code : undefined
  // The engine relays what registries and build steps said: printable before anyone shows it.
  return {
    message:
      message === undefined ? 'the engine reported an error without a message' : printable(message, {lines: true}),
    ...(code === undefined ? {} : {code}),
  }
}
