import {expect} from 'chai'

import {
  credentialServerAddress,
  keyFor,
  keyHost,
  keyNamesRegistry,
} from '../../../../src/lib/docker/credentials/server-address.js'

describe('registry host matching', () => {
  it('asks about Docker Hub by its index URL and any other registry by its host', () => {
    expect(credentialServerAddress('docker.io')).to.equal('https://index.docker.io/v1/')
    expect(credentialServerAddress('ghcr.io')).to.equal('ghcr.io')
    expect(credentialServerAddress('127.0.0.1:5000')).to.equal('127.0.0.1:5000')
  })

  it('reads the host of a key with or without scheme and path', () => {
    expect(keyHost('https://index.docker.io/v1/')).to.equal('index.docker.io')
    expect(keyHost('http://Registry.Example.com:5000/v2')).to.equal('registry.example.com:5000')
    expect(keyHost('ghcr.io')).to.equal('ghcr.io')
  })

  it('matches a key to its own registry only: same host and port', () => {
    expect(keyNamesRegistry('https://index.docker.io/v1/', 'docker.io')).to.equal(true)
    expect(keyNamesRegistry('index.docker.io', 'docker.io')).to.equal(true)
    expect(keyNamesRegistry('https://index.docker.io/v1/', 'ghcr.io')).to.equal(false)
    expect(keyNamesRegistry('https://ghcr.io', 'ghcr.io')).to.equal(true)
    expect(keyNamesRegistry('ghcr.io', 'ghcr.io.evil.com')).to.equal(false)
    expect(keyNamesRegistry('evil.ghcr.io', 'ghcr.io')).to.equal(false)
    expect(keyNamesRegistry('127.0.0.1:5000', '127.0.0.1:5001')).to.equal(false)
    expect(keyNamesRegistry('127.0.0.1', '127.0.0.1:5000')).to.equal(false)
  })

  it('prefers the exact server address over a key that only shares the host', () => {
    expect(keyFor({'https://ghcr.io/v1/': 1, 'ghcr.io': 2}, 'ghcr.io')).to.equal('ghcr.io')
    expect(keyFor({'docker.io': 1, 'https://index.docker.io/v1/': 2}, 'docker.io')).to.equal(
      'https://index.docker.io/v1/',
    )
    expect(keyFor({'quay.io': 1}, 'ghcr.io')).to.equal(undefined)
    expect(keyFor(undefined, 'ghcr.io')).to.equal(undefined)
  })
})
