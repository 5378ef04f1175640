import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {Agent} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {dockerodeOptions} from '../../../src/lib/docker/engine.js'
import {resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {EngineTlsFilesError} from '../../../src/lib/docker/errors.js'

const unset = {ca: undefined, cert: undefined, host: undefined, key: undefined, port: undefined, socketPath: undefined}

describe('dockerodeOptions', () => {
  let certs: string
  before(() => {
    certs = mkdtempSync(join(tmpdir(), 'occ-certs-'))
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(certs, name), name)
  })
  after(() => rmSync(certs, {force: true, recursive: true}))

  it('sets every connection option, so docker-modem adds nothing from the environment', async () => {
    expect(await dockerodeOptions({kind: 'socket', socketPath: '/x.sock'}, 'unix:///x.sock')).to.deep.equal({...unset, socketPath: '/x.sock'})
    expect(await dockerodeOptions({host: 'h', kind: 'tcp', port: 2375}, 'tcp://h:2375')).to.deep.equal({...unset, host: 'h', port: 2375, protocol: 'http'})
  })

  it('turns ssh://user@host:port into docker-modem ssh options (the agent from SSH_AUTH_SOCK)', async () => {
    const {connection} = resolveEngineEndpoint({DOCKER_HOST: 'ssh://me@build.example.com:2222'})
    const options = await dockerodeOptions(connection, 'ssh://me@build.example.com:2222')
    expect(options).to.deep.equal({...unset, host: 'build.example.com', port: 2222, protocol: 'ssh', sshOptions: {agent: process.env.SSH_AUTH_SOCK}, username: 'me'})
  })

  it('reads the TLS files for https, and accepts any engine certificate only without verification', async () => {
    const verified = await dockerodeOptions(resolveEngineEndpoint({DOCKER_CERT_PATH: certs, DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1'}).connection, 'x')
    expect(verified).to.deep.include({host: 'h', port: 2376, protocol: 'https'})
    expect(String(verified.ca)).to.equal('ca.pem')
    expect(String(verified.cert)).to.equal('cert.pem')
    expect(verified.agent).to.equal(undefined)
    const unverified = await dockerodeOptions(resolveEngineEndpoint({DOCKER_CERT_PATH: certs, DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS: '1'}).connection, 'x')
    expect(unverified.ca).to.equal(undefined)
    expect(unverified.agent).to.be.instanceOf(Agent)
    expect(unverified.agent?.options.rejectUnauthorized).to.equal(false)
  })

  it('names the missing TLS file and the endpoint', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'occ-certs-'))
    try {
      const {connection} = resolveEngineEndpoint({DOCKER_CERT_PATH: empty, DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1'})
      const error = await dockerodeOptions(connection, 'tcp://h:2376').catch((caught: unknown) => caught)
      expect(error).to.be.instanceOf(EngineTlsFilesError)
      expect((error as EngineTlsFilesError).message).to.equal(`Cannot use TLS towards the Docker engine at tcp://h:2376: ${join(empty, 'ca.pem')} does not exist.`)
      expect((error as EngineTlsFilesError).exitCode).to.equal(4)
    } finally {
      rmSync(empty, {force: true, recursive: true})
    }
  })
})
