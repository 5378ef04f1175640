import {expect} from 'chai'
import {createServer, type IncomingHttpHeaders, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

import {sendUrl} from '../../src/lib/http.js'

/** A server on 127.0.0.1 that records what it was sent and answers with `route`. */
async function serve(
  route: (path: string, respond: (status: number, headers?: Record<string, string>, body?: string) => void) => void,
) {
  const seen: {headers: IncomingHttpHeaders; method: string; path: string}[] = []
  const server: Server = createServer((request, response) => {
    seen.push({headers: request.headers, method: request.method ?? '', path: request.url ?? ''})
    request.resume()
    route(request.url ?? '', (status, headers = {}, body = '') => response.writeHead(status, headers).end(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {close: () => new Promise((resolve) => server.close(resolve)), origin: `http://127.0.0.1:${port}`, seen}
}

const call = (headers: Record<string, string> = {}) => ({
  headers,
  method: 'GET' as const,
  signal: new AbortController().signal,
})

describe('sendUrl', () => {
  it('follows a redirect to another host without the Authorization header, keeping it within the origin', async () => {
    const cdn = await serve((_path, respond) => respond(200, {'Content-Type': 'application/json'}, '{"ok":true}'))
    const registry = await serve((path, respond) =>
      path === '/blob' ? respond(307, {Location: `${cdn.origin}/signed?x=1`}) : respond(302, {Location: '/blob'}),
    )
    try {
      const answer = await sendUrl(
        `${registry.origin}/start`,
        call({Accept: 'application/json', Authorization: 'Bearer secret'}),
      )
      expect(answer.status).to.equal(200)
      expect(answer.header('CONTENT-TYPE')).to.equal('application/json')
      expect(JSON.parse(answer.body.toString('utf8'))).to.deep.equal({ok: true})
      expect(registry.seen.map((request) => [request.path, request.headers.authorization])).to.deep.equal([
        ['/start', 'Bearer secret'],
        ['/blob', 'Bearer secret'],
      ])
      expect(
        cdn.seen.map((request) => [request.path, request.headers.authorization, request.headers.accept]),
      ).to.deep.equal([['/signed?x=1', undefined, 'application/json']])
    } finally {
      await Promise.all([cdn.close(), registry.close()])
    }
  })

  it('stops following after five redirects and returns the last answer', async () => {
    const loop = await serve((_path, respond) => respond(302, {Location: '/again'}))
    try {
      const answer = await sendUrl(`${loop.origin}/`, call())
      expect(answer.status).to.equal(302)
      expect(loop.seen).to.have.length(6)
    } finally {
      await loop.close()
    }
  })

  it('posts a form with its length and type', async () => {
    const token = await serve((_path, respond) => respond(200, {}, '{"access_token":"t"}'))
    try {
      await sendUrl(`${token.origin}/token`, {
        ...call(),
        form: new URLSearchParams({grant_type: 'refresh_token'}),
        method: 'POST',
      })
      expect(token.seen[0]).to.deep.include({method: 'POST', path: '/token'})
      expect(token.seen[0].headers).to.deep.include({
        'content-length': '24',
        'content-type': 'application/x-www-form-urlencoded',
      })
    } finally {
      await token.close()
    }
  })

  it('never sends a form (it may carry a refresh token) to another origin; the redirect is the answer', async () => {
    const elsewhere = await serve((_path, respond) => respond(200, {}, '{"access_token":"stolen"}'))
    const token = await serve((_path, respond) => respond(307, {Location: `${elsewhere.origin}/token`}))
    try {
      const answer = await sendUrl(`${token.origin}/token`, {
        ...call(),
        form: new URLSearchParams({refresh_token: 'secret'}),
        method: 'POST',
      })
      expect(answer.status).to.equal(307)
      expect(elsewhere.seen).to.deep.equal([])
    } finally {
      await Promise.all([elsewhere.close(), token.close()])
    }
  })

  it('refuses an answer larger than 16 MiB', async () => {
    const huge = await serve((_path, respond) => respond(200, {}, 'x'.repeat(16 * 1024 * 1024 + 1)))
    try {
      const error = await sendUrl(`${huge.origin}/`, call()).catch((caught: unknown) => caught)
      expect((error as Error).message).to.equal(`the answer from ${new URL(huge.origin).host} is larger than 16 MiB`)
    } finally {
      await huge.close()
    }
  })

  it('rejects with the socket error when nothing listens', async () => {
    const error = await sendUrl('http://127.0.0.1:1/', call()).catch((caught: unknown) => caught)
    expect((error as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED')
  })
})
