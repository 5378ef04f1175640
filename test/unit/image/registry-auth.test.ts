import {expect} from 'chai'

import {basicAuthorization, parseChallenge} from '../../../src/lib/image/registry-auth.js'
import {registryBaseUrl} from '../../../src/lib/image/registry-client.js'

describe('parseChallenge', () => {
  it('reads a bearer challenge as ghcr.io and Docker Hub send it', () => {
    expect(
      parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:prizz/x:pull"'),
    ).to.deep.equal({
      realm: 'https://ghcr.io/token',
      scheme: 'bearer',
      scope: 'repository:prizz/x:pull',
      service: 'ghcr.io',
    })
    expect(parseChallenge('bearer realm=https://auth.example/token')).to.deep.equal({
      realm: 'https://auth.example/token',
      scheme: 'bearer',
    })
  })

  it('reads basic, and nothing for schemes occ does not speak', () => {
    expect(parseChallenge('Basic realm="occ-test"')).to.deep.equal({scheme: 'basic'})
    expect(parseChallenge('Negotiate abc')).to.equal(undefined)
    expect(parseChallenge(undefined)).to.equal(undefined)
  })

  it('calls a bearer challenge unusable with no realm or a non-http(s) one (shown without control characters)', () => {
    expect(parseChallenge('Bearer service="x"')).to.deep.equal({
      problem: 'it names no token service (realm)',
      scheme: 'unusable',
    })
    expect(parseChallenge('Bearer realm="not a url"')).to.deep.equal({
      problem: 'its token service (realm) "not a url" is not an http(s) URL',
      scheme: 'unusable',
    })
    expect(parseChallenge('Bearer realm="file:///etc/passwd"')).to.deep.include({scheme: 'unusable'})
    expect(parseChallenge('Bearer realm="x\u001B[2J"')).to.deep.equal({
      problem: 'its token service (realm) "x" is not an http(s) URL',
      scheme: 'unusable',
    })
  })

  it('encodes basic credentials', () => {
    expect(basicAuthorization({password: 'p:w', username: 'u'})).to.equal(
      `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    )
  })
})

describe('registryBaseUrl', () => {
  it('uses plain http for loopback registries only, and the real host for Docker Hub', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).to.equal('http://127.0.0.1:5000')
    expect(registryBaseUrl('localhost:5000')).to.equal('http://localhost:5000')
    expect(registryBaseUrl('[::1]:5000')).to.equal('http://[::1]:5000')
    expect(registryBaseUrl('ghcr.io')).to.equal('https://ghcr.io')
    expect(registryBaseUrl('docker.io')).to.equal('https://registry-1.docker.io')
    expect(registryBaseUrl('127.example.com')).to.equal('https://127.example.com')
  })
})
