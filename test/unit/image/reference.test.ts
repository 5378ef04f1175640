import {expect} from 'chai'

import {InvalidImageReferenceError} from '../../../src/lib/image/errors.js'
import {
  formatReference,
  isValidTag,
  parseImageReference,
  parseRepository,
  repositoryName,
} from '../../../src/lib/image/reference.js'

describe('image references', () => {
  it('defaults a bare name to Docker Hub and library/', () => {
    expect(parseImageReference('ubuntu')).to.deep.equal({path: 'library/ubuntu', registry: 'docker.io'})
    expect(parseImageReference('ubuntu:24.04')).to.deep.equal({
      path: 'library/ubuntu',
      registry: 'docker.io',
      tag: '24.04',
    })
  })

  it('keeps a user path on Docker Hub and normalises its aliases', () => {
    expect(parseImageReference('prizz/opencode-cloud-sandbox').registry).to.equal('docker.io')
    expect(parseImageReference('docker.io/prizz/opencode-cloud-sandbox:25.1.3')).to.deep.equal({
      path: 'prizz/opencode-cloud-sandbox',
      registry: 'docker.io',
      tag: '25.1.3',
    })
    expect(parseImageReference('index.docker.io/prizz/x').registry).to.equal('docker.io')
    expect(parseImageReference('registry-1.docker.io/library/ubuntu').path).to.equal('library/ubuntu')
  })

  it('extracts registry hosts with ports, localhost and IPv6', () => {
    expect(parseImageReference('ghcr.io/prizz/opencode-cloud-sandbox').registry).to.equal('ghcr.io')
    expect(parseImageReference('127.0.0.1:5001/prizz/opencode-cloud-sandbox:big')).to.deep.equal({
      path: 'prizz/opencode-cloud-sandbox',
      registry: '127.0.0.1:5001',
      tag: 'big',
    })
    expect(parseImageReference('localhost/a/b').registry).to.equal('localhost')
    expect(parseImageReference('localhost:5000/a').registry).to.equal('localhost:5000')
    expect(parseImageReference('[::1]:5000/a/b:1').registry).to.equal('[::1]:5000')
    expect(parseImageReference('Registry.Example.com/a').registry).to.equal('registry.example.com')
  })

  it('tells a port from a tag', () => {
    expect(parseImageReference('host:5000/name')).to.deep.equal({path: 'name', registry: 'host:5000'})
    expect(parseImageReference('host:5000/name:5000')).to.deep.equal({path: 'name', registry: 'host:5000', tag: '5000'})
  })

  it('parses digests', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    expect(parseImageReference(`ghcr.io/a/b@${digest}`)).to.deep.equal({digest, path: 'a/b', registry: 'ghcr.io'})
    expect(parseImageReference(`ghcr.io/a/b:1.0@${digest}`).tag).to.equal('1.0')
  })

  it('formats back to the full name', () => {
    expect(formatReference(parseImageReference('ubuntu'))).to.equal('docker.io/library/ubuntu')
    expect(formatReference({path: 'prizz/x', registry: '127.0.0.1:5001', tag: '25.1.3'})).to.equal(
      '127.0.0.1:5001/prizz/x:25.1.3',
    )
    expect(repositoryName(parseImageReference('ghcr.io/a/b:1'))).to.equal('ghcr.io/a/b')
  })

  for (const bad of [
    '',
    'UPPER',
    'a/B/c',
    'ghcr.io/a:b:c',
    'a@sha256:zz',
    'ghcr.io/',
    'a//b',
    'x/-y',
    'a:-tag',
    'a@b@c',
  ]) {
    it(`refuses ${JSON.stringify(bad)} with a usage error`, () => {
      expect(() => parseImageReference(bad)).to.throw(InvalidImageReferenceError)
    })
  }

  it('wants repositories without tag or digest', () => {
    expect(parseRepository('ghcr.io/prizz/opencode-cloud-sandbox').path).to.equal('prizz/opencode-cloud-sandbox')
    expect(() => parseRepository('ghcr.io/prizz/opencode-cloud-sandbox:25.1.3')).to.throw(/names no tag/)
  })

  it('validates tags', () => {
    expect(isValidTag('25.1.3')).to.equal(true)
    expect(isValidTag('latest')).to.equal(true)
    expect(isValidTag('-x')).to.equal(false)
    expect(isValidTag('a'.repeat(129))).to.equal(false)
    expect(isValidTag('a/b')).to.equal(false)
  })
})
