import {expect} from 'chai'

import type {ImageDetails} from '../../../src/lib/docker/engine.js'

import {
  assertAccess,
  checkForUpdate,
  concludeWithoutRemote,
  describeLocalImage,
  type LocalImage,
  type UpdateCheckReport,
} from '../../../src/lib/image/check.js'
import {ImagePullError, type RepositoryFailure} from '../../../src/lib/image/errors.js'
import {MANIFEST_MEDIA_TYPES} from '../../../src/lib/image/manifest.js'
import type {HttpAnswer} from '../../../src/lib/http.js'
import {FakeEngine} from '../helpers/fake-engine.js'
import {FakeRegistry, httpAnswer, type Served} from '../helpers/fake-registry.js'

const d = (char: string) => `sha256:${char.charCodeAt(0).toString(16).repeat(32)}`
const REPO = '127.0.0.1:5001/prizz/sandbox'
const MIRROR = '127.0.0.1:5002/prizz/sandbox'

const manifest = (config: string, digest: string): Served => ({
  body: {config: {digest: config}, mediaType: MANIFEST_MEDIA_TYPES.dockerManifest},
  headers: {'docker-content-digest': digest},
})
const index = (digest: string, entries: Record<string, string>): Served => ({
  body: {
    manifests: Object.entries(entries).map(([architecture, entry]) => ({
      digest: entry,
      platform: {architecture, os: 'linux'},
    })),
    mediaType: MANIFEST_MEDIA_TYPES.dockerList,
  },
  headers: {'docker-content-digest': digest},
})
const config = (version: string): Served => ({body: {config: {Labels: {'org.opencode-cloud.version': version}}}})
const url = (repo: string, kind: 'blobs' | 'manifests', reference: string) =>
  `http://${repo.split('/')[0]}/v2/prizz/sandbox/${kind}/${reference}`

/** The engine whose platform (linux/amd64) the checks choose from an index. */
const engine = new FakeEngine()

const local = (fields: Partial<LocalImage>): LocalImage => ({digests: [], source: 'prebuilt', ...fields})

async function check(
  routes: Record<string, Served | Error>,
  localImage: LocalImage | null,
  repositories = [REPO, MIRROR],
) {
  const registry = FakeRegistry.serving(routes)
  const report = await checkForUpdate({
    deadlineMs: 2000,
    send: registry.send,
    local: localImage,
    now: () => new Date('2026-03-01T00:00:00.000Z'),
    platform: () => engine.platform(),
    repositories,
    retry: {attempts: 3, baseMs: 1},
    signal: new AbortController().signal,
    tag: '25.1.3',
  })
  return {report, requests: registry.urls}
}

describe('checkForUpdate', () => {
  it('is up to date in one request when the tag names the digest the local image has', async () => {
    const {report, requests} = await check(
      {[url(REPO, 'manifests', '25.1.3')]: manifest(d('c'), d('m'))},
      local({digests: [d('m')], image_id: d('c')}),
    )
    expect(report.result).to.equal('up-to-date')
    expect(report.remote).to.include({digest: d('m'), reference: `${REPO}:25.1.3`, repository: REPO})
    expect(requests).to.have.length(1)
    expect(report.checked_at).to.equal('2026-03-01T00:00:00.000Z')
  })

  it('is up to date when only the config digest (the image id) matches', async () => {
    const {report} = await check(
      {[url(REPO, 'manifests', '25.1.3')]: manifest(d('c'), d('m'))},
      local({digests: [d('o')], image_id: d('c')}),
    )
    expect(report.result).to.equal('up-to-date')
  })

  it('reports an update with the remote version from the image config, in at most three requests', async () => {
    const {report, requests} = await check(
      {
        [url(REPO, 'blobs', d('n'))]: config('25.1.4'),
        [url(REPO, 'manifests', '25.1.3')]: manifest(d('n'), d('m')),
      },
      local({digests: [d('o')], image_id: d('c'), version: '25.1.3'}),
    )
    expect(report.result).to.equal('update-available')
    expect(report.remote).to.include({config_digest: d('n'), version: '25.1.4'})
    expect(requests).to.have.length(2)
  })

  it('compares the platform entry of a multi-arch index, so a change for another platform is no update', async () => {
    const routes = {
      [url(REPO, 'manifests', '25.1.3')]: index(d('i'), {amd64: d('a'), arm64: d('b')}),
      [url(REPO, 'manifests', d('a'))]: manifest(d('c'), d('a')),
    }
    // The local image was pulled from an older index whose amd64 image is the same.
    const {report, requests} = await check(routes, local({digests: [d('0')], image_id: d('c')}))
    expect(report.result).to.equal('up-to-date')
    expect(report.remote?.platform).to.deep.equal({architecture: 'amd64', digest: d('a'), os: 'linux'})
    expect(requests).to.have.length(2)

    const changed = await check(
      {
        ...routes,
        [url(REPO, 'manifests', d('a'))]: manifest(d('e'), d('a')),
        [url(REPO, 'blobs', d('e'))]: config('25.2.0'),
      },
      local({digests: [d('0')], image_id: d('c')}),
    )
    expect(changed.report.result).to.equal('update-available')
    expect(changed.report.remote?.version).to.equal('25.2.0')
    expect(changed.requests).to.have.length(3)
  })

  it('asks the next repository when the first is down or lacks the tag', async () => {
    const {report} = await check(
      {
        [url(MIRROR, 'manifests', '25.1.3')]: manifest(d('c'), d('m')),
        [url(REPO, 'manifests', '25.1.3')]: new Error('connect ECONNREFUSED'),
      },
      local({image_id: d('c')}),
    )
    expect(report.result).to.equal('up-to-date')
    expect(report.remote?.repository).to.equal(MIRROR)
    expect(report.failures).to.deep.equal([
      {
        attempts: 1,
        kind: 'unavailable',
        message: 'connect ECONNREFUSED',
        reference: `${REPO}:25.1.3`,
        repository: REPO,
      },
    ])
  })

  it('is not-published when every repository lacks the tag, unknown when one could not answer', async () => {
    expect((await check({}, local({image_id: d('c')}))).report).to.include({
      reason: 'the tag 25.1.3 is published in none of the configured repositories',
      result: 'not-published',
    })
    const down = await check({[url(MIRROR, 'manifests', '25.1.3')]: {body: {}, status: 503}}, local({image_id: d('c')}))
    expect(down.report.result).to.equal('unknown')
    expect(down.report.reason).to.include(`${MIRROR}: registry unavailable (HTTP 503)`)
  })

  it('treats an index without this platform as not published there', async () => {
    const {report} = await check(
      {[url(REPO, 'manifests', '25.1.3')]: index(d('i'), {arm64: d('b')})},
      local({image_id: d('c')}),
      [REPO],
    )
    expect(report.result).to.equal('not-published')
    expect(report.failures?.[0].message).to.equal('the tag has no image for linux/amd64')
  })

  it('does not ask any registry about a local build', async () => {
    const {report, requests} = await check({}, local({source: 'build', version: '25.1.3'}))
    expect(report.result).to.equal('built-locally')
    expect(requests).to.deep.equal([])
  })

  it('reports an update when there is no local image at all', async () => {
    const {report} = await check(
      {[url(REPO, 'manifests', '25.1.3')]: manifest(d('c'), d('m')), [url(REPO, 'blobs', d('c'))]: config('25.1.3')},
      null,
    )
    expect(report).to.include({local: null, result: 'update-available'})
  })

  it('answers a bearer challenge with an anonymous token and reuses it', async () => {
    const registry = new FakeRegistry(({authorization, url: target}) => {
      if (target.startsWith('https://auth.example/token')) return httpAnswer(200, {token: 'T'})
      if (authorization !== 'Bearer T')
        return httpAnswer(401, {}, {'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg"'})
      if (target.includes('/blobs/'))
        return httpAnswer(200, {config: {Labels: {'org.opencode-cloud.version': '2.0.0'}}})
      return httpAnswer(
        200,
        {config: {digest: d('n')}, schemaVersion: 2},
        {'content-type': MANIFEST_MEDIA_TYPES.ociManifest},
      )
    })
    const report = await checkForUpdate({
      deadlineMs: 2000,
      send: registry.send,
      local: local({image_id: d('c')}),
      platform: () => engine.platform(),
      repositories: ['ghcr.io/prizz/sandbox'],
      signal: new AbortController().signal,
      tag: '25.1.3',
    })
    expect(report.result).to.equal('update-available')
    expect(report.remote?.version).to.equal('2.0.0')
    expect(registry.urls).to.deep.equal([
      'https://ghcr.io/v2/prizz/sandbox/manifests/25.1.3',
      'https://auth.example/token?service=reg&scope=repository%3Aprizz%2Fsandbox%3Apull',
      'https://ghcr.io/v2/prizz/sandbox/manifests/25.1.3',
      `https://ghcr.io/v2/prizz/sandbox/blobs/${d('n')}`,
    ])
    // The manifest's digest is the sha256 of its bytes when the registry names none.
    expect(report.remote?.digest).to.match(/^sha256:[0-9a-f]{64}$/)
  })

  it('gives up on a registry that does not answer within the budget', async () => {
    // Like node:http: rejects at once on an aborted signal, else when it aborts.
    const hanging = new FakeRegistry(
      async (_request, call) =>
        new Promise<HttpAnswer>((_resolve, reject) => {
          if (call.signal.aborted) reject(new Error('aborted'))
          call.signal.addEventListener('abort', () => reject(new Error('aborted')))
        }),
    )
    const started = Date.now()
    const report = await checkForUpdate({
      deadlineMs: 150,
      send: hanging.send,
      local: local({image_id: d('c')}),
      platform: () => engine.platform(),
      repositories: [REPO, MIRROR],
      signal: new AbortController().signal,
      tag: '25.1.3',
    })
    expect(Date.now() - started).to.be.below(1000)
    expect(report.result).to.equal('unknown')
    expect(report.reason)
      .to.include('timed out: no answer from 127.0.0.1:5001 within 0.1 s')
      .and.include("not asked: the check's time was up before 127.0.0.1:5002 could be")
  })
})

describe('concludeWithoutRemote', () => {
  it('says why nothing could be compared', () => {
    expect(concludeWithoutRemote('25.1.3', [])[0]).to.equal('unknown')
    const auth = {
      attempts: 1,
      kind: 'auth' as const,
      message: 'HTTP 401',
      reference: `${REPO}:25.1.3`,
      repository: REPO,
    }
    expect(concludeWithoutRemote('25.1.3', [auth])).to.deep.equal([
      'unknown',
      {failures: [auth], reason: `${REPO}: access denied (HTTP 401)`},
    ])
  })
})

describe('assertAccess', () => {
  const failure = (kind: RepositoryFailure['kind']): RepositoryFailure => ({
    attempts: 1,
    kind,
    message: 'HTTP 401',
    reference: `${REPO}:25.1.3`,
    repository: REPO,
  })
  const report = (failures: RepositoryFailure[]): UpdateCheckReport => ({
    checked_at: '2026-01-01T00:00:00.000Z',
    local: null,
    remote: null,
    tag: '25.1.3',
    ...concludeWithoutRemote('25.1.3', failures)[1],
    result: concludeWithoutRemote('25.1.3', failures)[0],
  })

  it('fails a check that only refused access, as a pull would (exit 7)', () => {
    expect(() => assertAccess(report([failure('auth'), failure('not-found')])))
      .to.throw(ImagePullError)
      .with.property('exitCode', 7)
  })

  it('lets a check stand that a registry could not answer, or that found the tag nowhere', () => {
    expect(() => assertAccess(report([failure('auth'), failure('unavailable')]))).not.to.throw()
    expect(() => assertAccess(report([failure('not-found')]))).not.to.throw()
    expect(() => assertAccess(report([]))).not.to.throw()
  })
})

describe('describeLocalImage', () => {
  const image = (fields: {Id?: string; Labels?: Record<string, string>}) =>
    ({
      Config: {Labels: fields.Labels ?? {'org.opencode-cloud.version': '25.1.3'}},
      Id: fields.Id ?? d('c'),
      RepoDigests: [`${REPO}@${d('m')}`],
    }) as unknown as ImageDetails
  const record = {acquired_at: 't', digest: d('r'), image_id: d('c'), source: 'prebuilt' as const, version: '25.1.3'}

  it("takes the engine's current image with its digests, and the record's digest when it describes that image", () => {
    expect(describeLocalImage(record, image({}))).to.deep.equal({
      digests: [d('m'), d('r')],
      image_id: d('c'),
      source: 'prebuilt',
      version: '25.1.3',
    })
    expect(describeLocalImage(record, image({Id: d('x')}))?.digests).to.deep.equal([d('m')])
  })

  it('knows a build by its label or its record', () => {
    expect(describeLocalImage(undefined, image({Labels: {'org.opencode-cloud.source': 'build'}}))?.source).to.equal(
      'build',
    )
    expect(describeLocalImage({...record, source: 'build'}, image({}))?.source).to.equal('build')
  })

  it('falls back to the record when the engine was not asked, and is null when the engine has no current image', () => {
    expect(describeLocalImage(record, undefined)).to.deep.equal({
      digests: [d('r')],
      image_id: d('c'),
      source: 'prebuilt',
      version: '25.1.3',
    })
    expect(describeLocalImage(record, null)).to.equal(null)
    expect(describeLocalImage(undefined, undefined)).to.equal(null)
  })
})
