/** How the registry client (checks) and pulls through the engine use the user's credentials. */
import {expect} from 'chai'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'
import {PullFailure} from '../../../src/lib/image/errors.js'
import {pullAuthenticated} from '../../../src/lib/image/pull.js'
import {parseImageReference} from '../../../src/lib/image/reference.js'
import type {CredentialsProvider, RegistryCredentials} from '../../../src/lib/image/registry-auth.js'
import {RegistryClient} from '../../../src/lib/image/registry-client.js'
import type {HttpAnswer, HttpSend} from '../../../src/lib/http.js'
import {FakeEngine, jsonLines, type StreamAnswer} from '../helpers/fake-engine.js'
import {FakeRegistry, httpAnswer, type RegistryRequest} from '../helpers/fake-registry.js'

const SECRET = 'pa55-w0rd'
const MINE: RegistryCredentials = {from: 'auths["127.0.0.1:5000"] of /c/config.json', password: SECRET, username: 'me'}
const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
const MANIFEST = JSON.stringify({
  config: {digest: `sha256:${'c'.repeat(64)}`, mediaType: 'application/vnd.oci.image.config.v1+json'},
  layers: [],
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  schemaVersion: 2,
})

/** A registry behind the client's `send`: `answer` decides per request; every request is recorded. */
const registry = (answer: (request: RegistryRequest) => HttpAnswer) => new FakeRegistry(answer)

function client(registryHost: string, send: HttpSend, credentials: CredentialsProvider) {
  return new RegistryClient(registryHost, {
    credentials,
    deadlineAt: Date.now() + 60_000,
    policy: {attempts: 1, baseMs: 1, stallMs: 1000},
    requestTimeoutMs: 1000,
    send,
    signal: new AbortController().signal,
  })
}

const answer = httpAnswer
const json = (value: object) => answer(200, value, {'content-type': 'application/json'})
const manifestResponse = () => answer(200, MANIFEST, {'content-type': 'application/vnd.oci.image.manifest.v1+json'})
const challengeBasic = () => answer(401, '', {'www-authenticate': 'Basic realm="r"'})
const challengeBearer = (host: string) =>
  answer(401, '', {'www-authenticate': `Bearer realm="http://${host}/token",service="${host}"`})

describe('registry client with credentials', () => {
  it('answers a basic challenge with the credentials of that registry only', async () => {
    const asked: string[] = []
    const fake = registry((request) =>
      request.authorization === basic('me', SECRET) ? manifestResponse() : challengeBasic(),
    )
    const provider: CredentialsProvider = async (host) => {
      asked.push(host)
      return host === '127.0.0.1:5000' ? MINE : undefined
    }

    await client('127.0.0.1:5000', fake.send, provider).manifest('p/r', '25.1.3')
    expect(asked).to.deep.equal(['127.0.0.1:5000'])
    expect(fake.requests.map((request) => request.authorization)).to.deep.equal([undefined, basic('me', SECRET)])
  })

  it('says "authentication failed for <registry>" when the registry refuses them, never showing them', async () => {
    const fake = registry(() => challengeBasic())
    const error = (await client('127.0.0.1:5000', fake.send, async () => MINE)
      .manifest('p/r', '25.1.3')
      .catch((caught: unknown) => caught)) as PullFailure
    expect(error).to.be.instanceOf(PullFailure)
    expect(error.kind).to.equal('auth')
    expect(error.message).to.equal(
      'authentication failed for 127.0.0.1:5000: ' +
        'it refused the credentials from auths["127.0.0.1:5000"] of /c/config.json (HTTP 401)',
    )
    expect(error.message).to.not.include(SECRET)
  })

  it('asks for a token anonymously once more when stale credentials are refused (a public image)', async () => {
    const fake = registry((request) => {
      if (request.url.startsWith('http://auth.test/token'))
        return request.authorization ? answer(401) : json({token: 'anon'})
      return request.authorization === 'Bearer anon' ? manifestResponse() : challengeBearer('auth.test')
    })
    await client('127.0.0.1:5000', fake.send, async () => MINE).manifest('p/r', '25.1.3')
    expect(
      fake.requests.map((request) => `${request.url.replace(/\?.*/, '')} ${request.authorization ?? '-'}`),
    ).to.deep.equal([
      'http://127.0.0.1:5000/v2/p/r/manifests/25.1.3 -',
      `http://auth.test/token ${basic('me', SECRET)}`,
      'http://auth.test/token -',
      'http://127.0.0.1:5000/v2/p/r/manifests/25.1.3 Bearer anon',
    ])
  })

  it('fails with "authentication failed" when neither the credentials nor anonymity get a token', async () => {
    const fake = registry((request) =>
      request.url.startsWith('http://auth.test/token') ? answer(401) : challengeBearer('auth.test'),
    )
    const error = (await client('127.0.0.1:5000', fake.send, async () => MINE)
      .manifest('p/r', '25.1.3')
      .catch((caught: unknown) => caught)) as PullFailure
    expect(error.message).to.match(
      /^authentication failed for 127\.0\.0\.1:5000: .*the token service auth\.test answered HTTP 401/,
    )
  })

  it('trades an identity token for a bearer token (OAuth2 refresh_token grant)', async () => {
    let form = ''
    const fake = registry((request) => {
      if (request.url.startsWith('http://auth.test/token')) {
        form = request.body ?? ''
        return json({access_token: 'fresh'})
      }

      return request.authorization === 'Bearer fresh' ? manifestResponse() : challengeBearer('auth.test')
    })
    await client('127.0.0.1:5000', fake.send, async () => ({identityToken: 'refresh-me'})).manifest('p/r', '25.1.3')
    const sent = new URLSearchParams(form)
    expect(fake.requests[1]).to.deep.include({method: 'POST'})
    expect(Object.fromEntries(sent)).to.deep.include({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-me',
      scope: 'repository:p/r:pull',
      service: 'auth.test',
    })
  })
})

describe('pulls with credentials', () => {
  const reference = parseImageReference('127.0.0.1:5000/p/r:25.1.3')
  const served = jsonLines({status: `Digest: sha256:${'d'.repeat(64)}`})
  const refused = () =>
    new EngineRequestError(
      'unix:///fake.sock',
      500,
      'Head "http://127.0.0.1:5000/v2/p/r/manifests/25.1.3": unauthorized: authentication required',
    )

  /** An engine that answers each pull with the next answer; `engine.pulls` records what credentials came with each. */
  function engine(...answers: StreamAnswer[]): FakeEngine {
    return new FakeEngine().scriptPull('127.0.0.1:5000/p/r:25.1.3', answers)
  }

  it('sends the credentials to the engine for their registry', async () => {
    const fake = engine(served)
    await pullAuthenticated(fake, reference, {credentials: MINE, signal: new AbortController().signal})
    expect(fake.pulls).to.deep.equal([
      {credentials: {...MINE, serverAddress: '127.0.0.1:5000'}, reference: '127.0.0.1:5000/p/r:25.1.3'},
    ])
  })

  it('pulls again without them when they are refused, and succeeds for a public image', async () => {
    const fake = engine(refused(), served)
    expect(
      await pullAuthenticated(fake, reference, {credentials: MINE, signal: new AbortController().signal}),
    ).to.deep.equal({digest: `sha256:${'d'.repeat(64)}`})
    expect(fake.pulls.map((call) => call.credentials === undefined)).to.deep.equal([false, true])
  })

  it('fails with "authentication failed for <registry>" when the anonymous pull is refused too', async () => {
    const fake = engine(refused(), refused())
    const error = (await pullAuthenticated(fake, reference, {
      credentials: MINE,
      signal: new AbortController().signal,
    }).catch((caught: unknown) => caught)) as PullFailure
    expect(error).to.be.instanceOf(PullFailure)
    expect(error.kind).to.equal('auth')
    expect(error.message).to.match(
      new RegExp(
        /^authentication failed for 127\.0\.0\.1:5000: /.source +
          /it refused the credentials from auths\["127\.0\.0\.1:5000"\] of \/c\/config\.json \(.*unauthorized/.source,
      ),
    )
    expect(error.message).to.not.include(SECRET)
  })

  it('pulls anonymously, once, without credentials', async () => {
    const fake = engine(refused())
    const error = (await pullAuthenticated(fake, reference, {signal: new AbortController().signal}).catch(
      (caught: unknown) => caught,
    )) as PullFailure
    expect(error.message).to.not.match(/authentication failed/)
    expect(fake.pulls).to.have.length(1)
  })
})
