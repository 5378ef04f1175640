import {expect} from 'chai'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'
import {
  classifyPullFailure,
  ImagePullError,
  isPermanent,
  PullFailure,
  type RepositoryFailure,
  toPullFailure,
} from '../../../src/lib/image/errors.js'

const failure = (
  repository: string,
  kind: RepositoryFailure['kind'],
  message: string,
  attempts = 1,
): RepositoryFailure => ({
  attempts,
  kind,
  message,
  reference: `${repository}:25.1.3`,
  repository,
})

describe('pull failure classification', () => {
  it('uses the HTTP status first', () => {
    expect(classifyPullFailure(404, 'whatever')).to.equal('not-found')
    expect(classifyPullFailure(401, 'x')).to.equal('auth')
    expect(classifyPullFailure(403, 'x')).to.equal('auth')
  })

  it('reads registry error codes the engine relays with HTTP 500', () => {
    expect(classifyPullFailure(500, 'unauthorized: authentication required')).to.equal('auth')
    expect(
      classifyPullFailure(500, 'Head "http://127.0.0.1:5003/v2/x/manifests/25.1.3": no basic auth credentials'),
    ).to.equal('auth')
    expect(classifyPullFailure(500, 'denied: requested access to the resource is denied')).to.equal('auth')
    expect(classifyPullFailure(undefined, 'manifest for a:b not found: manifest unknown: manifest unknown')).to.equal(
      'not-found',
    )
    expect(classifyPullFailure(500, 'name unknown: repository name not known to registry')).to.equal('not-found')
  })

  it('treats network and server errors as transient', () => {
    expect(
      classifyPullFailure(500, 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused'),
    ).to.equal('unavailable')
    expect(classifyPullFailure(undefined, 'read tcp: connection reset by peer')).to.equal('unavailable')
    expect(classifyPullFailure(500, 'received unexpected HTTP status: 503 Service Unavailable')).to.equal('unavailable')
    expect(classifyPullFailure(500, 'open /var/lib/docker/tmp: permission denied')).to.equal('unavailable')
  })

  it('retries only transient failures', () => {
    expect(isPermanent('not-found')).to.equal(true)
    expect(isPermanent('auth')).to.equal(true)
    expect(isPermanent('unavailable')).to.equal(false)
  })

  it('turns an engine answer into a PullFailure and leaves other errors alone', () => {
    const mapped = toPullFailure(new EngineRequestError('unix:///x', 404, 'manifest unknown'))
    expect(mapped).to.be.instanceOf(PullFailure)
    expect((mapped as PullFailure).kind).to.equal('not-found')
    const other = new Error('boom')
    expect(toPullFailure(other)).to.equal(other)
  })
})

describe('ImagePullError', () => {
  it('lists every repository and its failure, with the build hint', () => {
    const error = new ImagePullError('25.1.3', [
      failure('127.0.0.1:5009/prizz/sandbox', 'unavailable', 'connection refused', 3),
      failure('127.0.0.1:5002/prizz/sandbox', 'not-found', 'manifest unknown'),
    ])
    expect(error.message).to.equal(
      [
        'Could not pull the sandbox image tag "25.1.3" from any configured repository:',
        '  - 127.0.0.1:5009/prizz/sandbox: registry unavailable after 3 attempts (connection refused)',
        '  - 127.0.0.1:5002/prizz/sandbox: tag not found (manifest unknown)',
      ].join('\n'),
    )
    expect(error.suggestion).to.include('occ image build')
    expect(error.kind).to.equal('registry')
    expect(error.exitCode).to.equal(5)
  })

  it('is "not found" (exit 6) naming the tag when no repository has it', () => {
    const error = new ImagePullError('9.9.9', [
      failure('a/b', 'not-found', 'manifest unknown'),
      failure('c/d', 'not-found', 'manifest unknown'),
    ])
    expect(error.kind).to.equal('notFound')
    expect(error.exitCode).to.equal(6)
    expect(error.message).to.match(/"9\.9\.9" exists in none/)
    expect(error.toJSON().details).to.deep.include({tag: '9.9.9'})
  })

  it('is "auth" (exit 7) when access was refused and nothing was merely down', () => {
    const error = new ImagePullError('25.1.3', [
      failure('a/b', 'auth', 'unauthorized'),
      failure('c/d', 'not-found', 'manifest unknown'),
    ])
    expect(error.exitCode).to.equal(7)
    expect(error.suggestion).to.match(/^Check your registry credentials .*occ image build/)
  })
})
