/**
 * Registry credentials: pulls and checks against the basic-auth registry with the user's Docker
 * credentials (config.json auths, a credential helper, DOCKER_AUTH_CONFIG), wrong ones, none,
 * and stale ones for a public image behind a token service.
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, request, type Server} from 'node:http'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {credentialServerAddress} from '../../src/lib/docker/credentials/server-address.js'
import {registryAuthHeader} from '../../src/lib/docker/engine.js'
import {readEnvironment} from '../env/environment.js'
import {REPOSITORY} from '../env/seeds.js'
import {
  CURRENT,
  engine,
  imageId,
  type ImageHome,
  makeImageHome,
  removeSandboxImages,
  repository,
  seed,
} from './helpers/occ-image.js'
import {type CliResult, runCli} from './helpers/run-cli.js'

const docker = engine()
const HELPER_DIR = fileURLToPath(new URL('../fixtures/credentials/', import.meta.url))
const base64 = (text: string) => Buffer.from(text).toString('base64')

/**
 * A public registry behind a token service, as Docker Hub and ghcr.io are: it hands anonymous
 * tokens to anyone and refuses the credentials it is sent (they are stale). Forwards to `upstream`.
 */
async function tokenFront(
  upstream: string,
): Promise<{address: string; tokenRequests: string[]; close: () => Promise<void>}> {
  const tokenRequests: string[] = []
  let address = ''
  const server: Server = createServer((incoming, answer) => {
    if (incoming.url?.startsWith('/token')) {
      tokenRequests.push(incoming.headers.authorization === undefined ? 'anonymous' : 'with credentials')
      if (incoming.headers.authorization !== undefined) {
        answer
          .writeHead(401, {'content-type': 'application/json'})
          .end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message: 'incorrect username or password'}]}))
      } else {
        answer.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({token: 'anonymous-token'}))
      }

      return
    }

    if (incoming.headers.authorization !== 'Bearer anonymous-token') {
      answer
        .writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="http://${address}/token",service="occ-front"`,
        })
        .end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message: 'authentication required'}]}))
      return
    }

    const [host, port] = upstream.split(':')
    const headers = {...incoming.headers, host: upstream}
    delete headers.authorization
    const forwarded = request(
      {headers, host, method: incoming.method, path: incoming.url, port: Number(port)},
      (response) => {
        answer.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(answer)
      },
    )
    forwarded.on('error', () => answer.destroy())
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const bound = server.address()
  address = `127.0.0.1:${typeof bound === 'object' && bound ? bound.port : 0}`
  return {
    address,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
    tokenRequests,
  }
}

describe('registry credentials', function () {
  this.timeout(120_000)
  const testEnv = readEnvironment()
  const authHost = testEnv.registries.auth
  const authRepository = `${authHost}/${REPOSITORY}`
  const {password, username} = testEnv.auth
  const authSeed = testEnv.seeds.find((entry) => entry.registry === 'auth' && entry.tag === '25.1.3')
  let home: ImageHome
  let dockerConfig: string
  /** Every output of this test's runs, to prove no credential ever shows. */
  let outputs: string[]

  beforeEach(async () => {
    await removeSandboxImages(docker)
    home = makeImageHome()
    dockerConfig = join(home.dir, 'docker-config')
    mkdirSync(dockerConfig)
    outputs = []
  })

  afterEach(() => {
    // No secret in any output, log line, --json answer, error or record, whatever the test.
    const everything = [...outputs, ...listRecords().map((file) => readFileSync(file, 'utf8'))].join('\n')
    home.remove()
    const leaked = [password, 'wrong-password', base64(`${username}:${password}`)].filter((secret) =>
      everything.includes(secret),
    )
    expect(leaked, 'credentials in the output or a record').to.deep.equal([])
  })

  after(() => removeSandboxImages(docker))

  const listRecords = () => {
    const dir = join(home.dataDir, 'image-state.d')
    return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : []
  }

  const writeConfig = (config: object) => writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify(config))

  const occ = async (
    args: string[],
    repositories: string[],
    extra: Record<string, string> = {},
  ): Promise<CliResult> => {
    const result = await runCli(args, {
      env: home.envFor(repositories, {DOCKER_CONFIG: dockerConfig, OCC_UPDATE_CHECK: 'never', ...extra}),
    })
    outputs.push(result.stdout, result.stderr)
    return result
  }

  /** Runs image:pull with the credential helpers of test/fixtures/credentials on PATH and `helperEnv` set. */
  const pullWithHelper = (repositories: string[], helperEnv: Record<string, string>): Promise<CliResult> =>
    occ(['image:pull'], repositories, {...helperEnv, PATH: `${HELPER_DIR}:${process.env.PATH}`})

  /** The run pulled v25.1.3 from `host`. */
  const expectPulledFrom = (result: CliResult, host: string): void => {
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.include(`Pulled v25.1.3 from ${host}`)
  }

  it('pulls from the basic-auth registry with credentials from config.json auths', async () => {
    writeConfig({auths: {[authHost]: {auth: base64(`${username}:${password}`)}}})
    const result = await occ(['image:pull', '--json'], [authRepository])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.include({image_id: authSeed?.configDigest, registry: authHost})
    expect(await imageId(docker, CURRENT)).to.equal(authSeed?.configDigest)
  })

  it('keeps credentials out of debug logs, even with DEBUG=* (which shows every engine request)', async () => {
    writeConfig({auths: {[authHost]: {auth: base64(`${username}:${password}`)}}})
    const result = await occ(['image:pull'], [authRepository], {DEBUG: '*'})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr, 'debug logging is on').to.include('oclif:config')
    expect(result.stderr, 'the engine requests are shown').to.match(
      /occ:engine POST \/images\/create\?fromImage=\S+ -> 200/,
    )
    expect(result.stderr).not.to.include('X-Registry-Auth')
    expect(result.stderr).not.to.include(password)
    expect(result.stderr).not.to.include(base64(`${username}:${password}`))
    expect(result.stderr).not.to.include(
      registryAuthHeader({password, serverAddress: credentialServerAddress(authHost), username}),
    )
  })

  it('pulls with a credential helper (credHelpers), asking it about that registry only', async () => {
    writeConfig({credHelpers: {[authHost]: 'occtest'}})
    const log = join(home.dir, 'helper.log')
    // The first repository (another registry, no such image) must not make occ run the helper.
    const result = await pullWithHelper([`${repository('primary')}-none`, authRepository], {
      OCCTEST_HELPER_LOG: log,
      OCCTEST_HELPER_SECRET: password,
      OCCTEST_HELPER_SERVER: authHost,
      OCCTEST_HELPER_USERNAME: username,
    })
    expectPulledFrom(result, authHost)
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).to.deep.equal([authHost])
  })

  /** Processes still running whose command line holds `token` (a helper's leftovers). */
  const running = (token: string) =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(token)
        } catch {
          return false
        }
      })

  it('survives a credential helper that prints without end: its answer is dropped, the helper ended', async () => {
    writeConfig({credHelpers: {[authHost]: 'occflood'}})
    const token = `occ-flood-${process.pid}-${Date.now()}`
    const result = await pullWithHelper([authRepository, repository('primary')], {OCCTEST_HELPER_TOKEN: token})
    expectPulledFrom(result, repository('primary').split('/')[0])
    expect(result.stderr).not.to.include('RangeError')
    expect(running(token), 'the helper was ended').to.deep.equal([])
  })

  it('takes the answer of a helper that exits while its child keeps the output open, and ends the child', async () => {
    writeConfig({credHelpers: {[authHost]: 'occlinger'}})
    // sleep's argument, unique to this run: a number of seconds far past the helper timeout.
    const token = `${1000 + (process.pid % 1000)}.${Date.now() % 1000}`
    const started = performance.now()
    const result = await pullWithHelper([authRepository], {
      OCCTEST_HELPER_SECRET: password,
      OCCTEST_HELPER_TOKEN: token,
      OCCTEST_HELPER_USERNAME: username,
    })
    expectPulledFrom(result, authHost)
    expect(performance.now() - started, 'occ did not wait for the child').to.be.below(15_000)
    expect(running(token), "the helper's child was ended").to.deep.equal([])
  })

  it('reads DOCKER_AUTH_CONFIG before config.json', async () => {
    writeConfig({auths: {[authHost]: {auth: base64(`${username}:wrong-password`)}}})
    const result = await occ(['image:pull'], [authRepository], {
      DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[authHost]: {password, username}}}),
    })
    expect(result.code, result.stderr).to.equal(0)
  })

  it('says "authentication failed for <registry>" for wrong credentials (exit 7), text and --json', async () => {
    writeConfig({auths: {[authHost]: {password: 'wrong-password', username}}})
    const text = await occ(['image:pull'], [authRepository])
    expect(text.code).to.equal(7)
    expect(text.stderr).to.include(
      `authentication failed for ${authHost}: ` +
        `it refused the credentials from auths["${authHost}"] of ${join(dockerConfig, 'config.json')}`,
    )
    const json = await occ(['image:pull', '--json'], [authRepository])
    expect(json.code).to.equal(7)
    const {error} = JSON.parse(json.stdout) as {
      error: {code: string; details: {failures: {kind: string; message: string}[]}}
    }
    expect(error.code).to.equal('registry_access_denied')
    expect(error.details.failures[0]).to.include({kind: 'auth'})
    expect(error.details.failures[0].message).to.match(new RegExp(`^authentication failed for ${authHost}`))
  })

  it('without credentials: access denied (exit 7), or the next repository serves', async () => {
    const alone = await occ(['image:pull'], [authRepository])
    expect(alone.code).to.equal(7)
    expect(alone.stderr).to.include(`${authRepository}: access denied`).and.not.include('authentication failed')
    const fallback = await occ(['image:pull'], [authRepository, repository('primary')])
    expectPulledFrom(fallback, repository('primary').split('/')[0])
  })

  it("never sends one registry its neighbour's credentials", async () => {
    writeConfig({auths: {[repository('primary').split('/')[0]]: {password, username}}})
    const result = await occ(['image:pull'], [authRepository])
    expect(result.code).to.equal(7)
    expect(result.stderr).to.not.include('authentication failed')
  })

  it('checks the basic-auth registry for updates with the credentials', async () => {
    writeConfig({auths: {[authHost]: {password, username}}})
    expect((await occ(['image:pull'], [authRepository])).code).to.equal(0)
    const result = await occ(['image:check', '--json'], [authRepository])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.deep.include({result: 'up-to-date'})
  })

  it('image:check answers refused credentials or no access as image:pull does: exit 7, docker login hint', async () => {
    const wrong = {DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[authHost]: {password: 'wrong-password', username}}})}
    for (const extra of [wrong, {}]) {
      const pulled = await occ(['image:pull'], [authRepository], extra)
      const checked = await occ(['image:check'], [authRepository], extra)
      expect([checked.code, pulled.code]).to.deep.equal([7, 7])
      expect(checked.stderr)
        .to.include(`${authRepository}: access denied`)
        .and.include('Check your registry credentials ("docker login HOST")')
      expect(checked.stderr.trim().split('\n').at(-1)).to.equal(pulled.stderr.trim().split('\n').at(-1))
      expect(checked.stdout).to.equal('')

      const json = await occ(['image:check', '--json'], [authRepository], extra)
      expect(json.code).to.equal(7)
      const {error} = JSON.parse(json.stdout) as {error: {code: string; details: {failures: {kind: string}[]}}}
      expect(error.code).to.equal('registry_access_denied')
      expect(error.details.failures[0]).to.include({kind: 'auth'})
    }
  })

  describe('stale credentials for a public image', () => {
    let front: Awaited<ReturnType<typeof tokenFront>>
    before(async () => {
      front = await tokenFront(testEnv.registries.primary)
    })
    after(() => front.close())

    it('pulls and checks anonymously once the token service refuses them', async () => {
      writeConfig({auths: {[front.address]: {password: 'wrong-password', username}}})
      const frontRepository = `${front.address}/${REPOSITORY}`
      const pulled = await occ(['image:pull'], [frontRepository])
      expect(pulled.code, pulled.stderr).to.equal(0)
      expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.1.3').configDigest)
      expect(front.tokenRequests).to.include('with credentials').and.include('anonymous')

      front.tokenRequests.length = 0
      const checked = await occ(['image:check', '--json'], [frontRepository])
      expect(checked.code, checked.stderr).to.equal(0)
      expect(JSON.parse(checked.stdout)).to.deep.include({result: 'up-to-date'})
      expect(front.tokenRequests).to.deep.equal(['with credentials', 'anonymous'])
    })
  })
})
