import {expect} from 'chai'

import {localEngine, localEngineCandidates, namedPipe} from '../../../src/lib/docker/local-engine.js'

describe("this machine's engine, per platform", () => {
  const none = () => false

  it('Linux: /var/run/docker.sock, whether or not it exists', () => {
    expect(localEngineCandidates({HOME: '/home/me'}, 'linux')).to.deep.equal([
      {socketPath: '/var/run/docker.sock', uri: 'unix:///var/run/docker.sock'},
    ])
    expect(localEngine({HOME: '/home/me'}, 'linux', none).uri).to.equal('unix:///var/run/docker.sock')
  })

  it("macOS: /var/run/docker.sock when it exists, else Docker Desktop's ~/.docker/run/docker.sock", () => {
    const env = {HOME: '/Users/me'}
    const desktop = {socketPath: '/Users/me/.docker/run/docker.sock', uri: 'unix:///Users/me/.docker/run/docker.sock'}
    expect(localEngine(env, 'darwin', (path) => path === '/var/run/docker.sock').uri).to.equal(
      'unix:///var/run/docker.sock',
    )
    expect(localEngine(env, 'darwin', (path) => path === desktop.socketPath)).to.deep.equal(desktop)
    // Neither (Docker Desktop not running): the socket Docker Desktop will create.
    expect(localEngine(env, 'darwin', none)).to.deep.equal(desktop)
  })

  it('Windows: the named pipe docker_engine', () => {
    expect(localEngine({}, 'win32', none)).to.deep.equal({
      socketPath: String.raw`\\.\pipe\docker_engine`,
      uri: 'npipe:////./pipe/docker_engine',
    })
  })

  it('reads pipe addresses as \\\\SERVER\\pipe\\NAME, with either slash, and nothing else', () => {
    expect(namedPipe('//./pipe/docker_engine')).to.deep.equal({
      socketPath: String.raw`\\.\pipe\docker_engine`,
      uri: 'npipe:////./pipe/docker_engine',
    })
    expect(namedPipe(String.raw`\\host\pipe\x`)).to.deep.equal({
      socketPath: String.raw`\\host\pipe\x`,
      uri: 'npipe:////host/pipe/x',
    })
    expect(namedPipe('')?.uri).to.equal('npipe:////./pipe/docker_engine')
    for (const bad of ['./pipe/x', '//./docker_engine', '//./pipe/', '//./pipe/a/b', '/./pipe/x'])
      expect(namedPipe(bad), bad).to.equal(undefined)
  })
})
