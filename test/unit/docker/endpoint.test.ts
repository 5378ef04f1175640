import {expect} from 'chai'

import {resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {EngineEndpointError} from '../../../src/lib/docker/errors.js'

describe('resolveEngineEndpoint', () => {
  it('uses the default socket without DOCKER_HOST', () => {
    expect(resolveEngineEndpoint({})).to.deep.equal({connection: {kind: 'socket', socketPath: '/var/run/docker.sock'}, source: 'default', uri: 'unix:///var/run/docker.sock'})
    expect(resolveEngineEndpoint({DOCKER_HOST: '  '}).source).to.equal('default')
  })

  it('reads a unix socket from DOCKER_HOST and names it as given', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: 'unix:///tmp/x/docker.sock'})).to.deep.equal({
      connection: {kind: 'socket', socketPath: '/tmp/x/docker.sock'},
      source: 'DOCKER_HOST',
      uri: 'unix:///tmp/x/docker.sock',
    })
  })

  it('reads tcp:// with and without a port, IPv6 included', () => {
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://127.0.0.1:2376'}).connection).to.deep.equal({host: '127.0.0.1', kind: 'tcp', port: 2376})
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://docker.local'}).connection).to.deep.equal({host: 'docker.local', kind: 'tcp', port: 2375})
    expect(resolveEngineEndpoint({DOCKER_HOST: 'tcp://[::1]:2375'}).connection).to.deep.equal({host: '::1', kind: 'tcp', port: 2375})
  })

  it('refuses what it cannot use, naming the value and the fix', () => {
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'not a url'})).to.throw(EngineEndpointError, /DOCKER_HOST="not a url"/)
    expect(() => resolveEngineEndpoint({DOCKER_HOST: 'ssh://me@host'})).to.throw(EngineEndpointError, /ssh:/)
  })
})
