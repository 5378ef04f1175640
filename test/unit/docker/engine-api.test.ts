import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {
  DEFAULT_ENGINE_TIMEOUT_MS,
  Engine,
  engineTimeoutFromEnv,
  registryAuthHeader,
} from '../../../src/lib/docker/engine.js'
import {imagePath, openTransport} from '../../../src/lib/docker/engine-api.js'
import {resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {EngineTlsFilesError, EngineUnreachableError} from '../../../src/lib/docker/errors.js'
import {useTempDir} from '../helpers/temp-dir.js'

describe('engine API client', () => {
  const temp = useTempDir('occ-engine-api-')

  it('keeps "/" and ":" of a reference in the request path and escapes what would end it', () => {
    expect(imagePath('127.0.0.1:5000/p/s:25.1.3')).to.equal('127.0.0.1:5000/p/s:25.1.3')
    expect(imagePath('sha256:ab')).to.equal('sha256:ab')
    expect(imagePath('a?b#c d')).to.equal('a%3Fb%23c%20d')
  })

  it('sends credentials as URL-safe base64 JSON with padding, as docker does', () => {
    const header = registryAuthHeader({password: 'p>?>?', serverAddress: '127.0.0.1:5000', username: 'u'})
    expect(header).to.match(/^[\w-]+=*$/)
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).to.deep.equal({
      password: 'p>?>?',
      serveraddress: '127.0.0.1:5000',
      username: 'u',
    })
    expect(header.length % 4).to.equal(0)
  })

  it('reports an ssh engine that refuses the connection as unreachable, naming it', async () => {
    const home = temp.path
    const saved = {HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK}
    try {
      mkdirSync(join(home, '.ssh'))
      writeFileSync(
        join(home, '.ssh', 'known_hosts'),
        `[127.0.0.1]:1 ssh-ed25519 ${Buffer.from('key').toString('base64')}\n`,
      )
      Object.assign(process.env, {HOME: home, SSH_AUTH_SOCK: join(home, 'agent.sock')})
      const engine = await Engine.connect(resolveEngineEndpoint({DOCKER_HOST: 'ssh://me@127.0.0.1:1'}))
      const error = await engine.ping().catch((caught: unknown) => caught)
      expect(error).to.be.instanceOf(EngineUnreachableError)
      expect((error as EngineUnreachableError).message).to.equal(
        'Cannot reach the Docker engine at ssh://me@127.0.0.1:1: connection refused.',
      )
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  })

  it('reads the TLS files once, when the connection opens, and names a missing one with the endpoint', async () => {
    const empty = temp.path
    const {connection} = resolveEngineEndpoint({
      DOCKER_CERT_PATH: empty,
      DOCKER_HOST: 'tcp://h:2376',
      DOCKER_TLS_VERIFY: '1',
    })
    const error = await openTransport(connection, 'tcp://h:2376', 1000).catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(EngineTlsFilesError)
    expect((error as EngineTlsFilesError).message).to.equal(
      `Cannot use TLS towards the Docker engine at tcp://h:2376: ${join(empty, 'ca.pem')} does not exist.`,
    )
    expect((error as EngineTlsFilesError).exitCode).to.equal(4)
  })

  it('bounds engine calls by OCC_ENGINE_TIMEOUT_MS; none, 0 or junk keeps the default', () => {
    expect(engineTimeoutFromEnv({OCC_ENGINE_TIMEOUT_MS: '1500'})).to.equal(1500)
    for (const text of [undefined, '0', 'never', '-5'])
      expect(engineTimeoutFromEnv({OCC_ENGINE_TIMEOUT_MS: text})).to.equal(DEFAULT_ENGINE_TIMEOUT_MS)
  })
})
