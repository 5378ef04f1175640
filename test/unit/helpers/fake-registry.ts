/**
 * The one fake registry for the unit tests: it stands behind the registry client's `send`, answers
 * each request by a function of the request (or by fixed routes) and records every request.
 */
import type {HttpAnswer, HttpSend} from '../../../src/lib/http.js'

/** A whole HTTP answer as the registry client receives it; header names in lower case. */
export function httpAnswer(
  status: number,
  body: string | object = '',
  headers: Record<string, string> = {},
): HttpAnswer {
  return {
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    header: (name) => headers[name.toLowerCase()],
    status,
  }
}

/** One request as the registry saw it. */
export interface RegistryRequest {
  url: string
  method: string
  authorization?: string
  /** The form sent (token requests), as text. */
  body?: string
}

/** What a route serves: a JSON or text body with its status (200 unless said) and headers. */
export interface Served {
  status?: number
  body: string | object
  headers?: Record<string, string>
}

export class FakeRegistry {
  readonly requests: RegistryRequest[] = []

  constructor(
    private readonly answer: (
      request: RegistryRequest,
      call: Parameters<HttpSend>[1],
    ) => Promise<HttpAnswer> | HttpAnswer,
  ) {}

  /**
   * A registry that serves fixed routes by URL (an Error fails the request) and answers
   * 404 MANIFEST_UNKNOWN elsewhere.
   */
  static serving(routes: Record<string, Error | Served>): FakeRegistry {
    return new FakeRegistry((request) => {
      const route = routes[request.url]
      if (route instanceof Error) throw route
      if (!route) return httpAnswer(404, {errors: [{code: 'MANIFEST_UNKNOWN', message: 'manifest unknown'}]})
      return httpAnswer(route.status ?? 200, route.body, route.headers)
    })
  }

  /** The URLs asked for, in order. */
  get urls(): string[] {
    return this.requests.map((request) => request.url)
  }

  readonly send: HttpSend = async (url, call) => {
    const authorization = call.headers.Authorization
    const body = call.form?.toString()
    const request: RegistryRequest = {
      method: call.method,
      url,
      ...(authorization ? {authorization} : {}),
      ...(body === undefined ? {} : {body}),
    }
    this.requests.push(request)
    return this.answer(request, call)
  }
}
