import type {HttpAnswer} from '../../../src/lib/http.js'

/** A whole HTTP answer as the registry client receives it; header names in lower case. */
export function httpAnswer(status: number, body: string | object = '', headers: Record<string, string> = {}): HttpAnswer {
  return {body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), header: (name) => headers[name.toLowerCase()], status}
}
