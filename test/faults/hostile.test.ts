/**
 * A hostile registry (hostile-registry.ts) in front of the real CLI: it redirects across
 * origins and challenges there, sends challenges occ cannot use, puts escape sequences in
 * labels and error texts, and floods (huge bodies and headers, endless answers). occ must keep
 * the user's credentials at home, print nothing a terminal would obey, fall over to the next
 * repository, and end in bounded time with an exit code from the table, never a stack trace.
 */
import {expect} from 'chai'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {pushImage, readEnvironment, REPOSITORY} from '../env/index.js'
import {
  engine,
  type ImageHome,
  makeImageHome,
  removeSandboxImages,
  repository,
} from '../integration/helpers/occ-image.js'
import {uniqueRepository} from '../integration/helpers/registry-log.js'
import {type CliResult, runCli} from '../integration/helpers/run-cli.js'
import {HostileRegistry} from './hostile-registry.js'
import {count, STACK_TRACE} from './suite.js'

/** A character a terminal acts on: C0 controls but tab and newline, DEL and C1. */
function controlCharacters(text: string): string[] {
  return [...text].filter((character) => {
    const code = character.codePointAt(0) ?? 0
    return (code < 0x20 && character !== '\n' && character !== '\t') || (code >= 0x7f && code <= 0x9f)
  })
}

/** What a terminal must never be sent: an escape (ESC, BEL) from a registry. */
const ESCAPES = 'v25.1.4\u001B]0;pwned\u0007\u001B[2J\u001B[1;1HError: fake\u009B31m'

describe('faults: a hostile registry', function () {
  this.timeout(120_000)
  const servers: HostileRegistry[] = []
  let home: ImageHome
  let dockerConfig: string
  const {password, username} = readEnvironment().auth

  const hostile = async (...modes: Parameters<typeof HostileRegistry.start>) => {
    const server = await HostileRegistry.start(...modes)
    servers.push(server)
    return server
  }

  const occ = async (
    args: string[],
    repositories: string[],
    extra: Record<string, string> = {},
  ): Promise<CliResult & {ms: number}> => {
    count({runs: 1})
    const started = performance.now()
    const result = await runCli(args, {
      env: home.envFor(repositories, {DOCKER_CONFIG: dockerConfig, OCC_UPDATE_CHECK: 'never', ...extra}),
      timeoutMs: 60_000,
    })
    const output = result.stdout + result.stderr
    expect(output, 'a stack trace').not.to.match(STACK_TRACE)
    expect(output, 'an unexpected error').not.to.include('Unexpected error')
    expect(controlCharacters(output), 'control characters in the output').to.deep.equal([])
    return {...result, ms: performance.now() - started}
  }

  /** A record of the primary's 25.1.3, for the commands that check it. */
  const pullPrimary = async () => {
    const pulled = await occ(['image:pull'], [repository('primary')])
    expect(pulled.code, pulled.stderr).to.equal(0)
  }

  beforeEach(async () => {
    await removeSandboxImages(engine())
    home = makeImageHome()
    dockerConfig = join(home.dir, 'docker-config')
    mkdirSync(dockerConfig)
  })

  afterEach(async () => {
    home.remove()
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  after(() => removeSandboxImages(engine()))

  describe('escape sequences', () => {
    it('in an image label: image:check, image:pull and image:state print none of them', async () => {
      count({hostile: 1})
      const repo = uniqueRepository()
      await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
      await pushImage(repo.registry, repo.path, '25.1.4', {seed: `${repo.path}-b`, version: ESCAPES})
      expect((await occ(['image:pull'], [repo.name])).code).to.equal(0)
      const checked = await occ(['image:check', '--tag', '25.1.4'], [repo.name])
      expect(checked.code, checked.stderr).to.equal(0)
      expect(checked.stdout).to.include('v25.1.4').and.include('Error: fake')

      const pulled = await occ(['image:pull', '--tag', '25.1.4'], [repo.name])
      expect(pulled.code, pulled.stderr).to.equal(0)
      const state = await occ(['image:state'], [repo.name])
      expect(state.code, state.stderr).to.equal(0)
      expect(state.stdout).to.include('v25.1.4')
    })

    it("in a registry's error texts: image:check and image:pull print none of them", async () => {
      count({faults: 2, hostile: 1})
      const server = await hostile({kind: 'error', message: ESCAPES, status: 500})
      const checked = await occ(['image:check'], [`${server.address}/${REPOSITORY}`])
      expect(checked.code, checked.stderr).to.equal(0)
      expect(checked.stdout).to.match(/^Unknown: .*HTTP 500: v25\.1\.4/)

      server.setMode({kind: 'error', message: ESCAPES, status: 404})
      const pulled = await occ(['image:pull'], [`${server.address}/${REPOSITORY}`])
      expect(pulled.code, pulled.stderr).to.equal(6)
    })
  })

  describe('redirects across origins with challenges', () => {
    it('no credentials for a host the registry only redirected to; a realm the registry names gets them', async () => {
      count({faults: 1, hostile: 1})
      const thief = await hostile({header: 'placeholder', kind: 'challenge'})
      thief.setMode({header: `Bearer realm="http://${thief.address}/token",service="thief"`, kind: 'challenge'})
      const origin = await hostile({kind: 'redirect', to: thief.address})
      writeFileSync(
        join(dockerConfig, 'config.json'),
        JSON.stringify({auths: {[origin.address]: {password, username}}}),
      )
      const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

      const checked = await occ(['image:check', '--json'], [`${origin.address}/${REPOSITORY}`])
      expect(thief.requests().length, 'the redirect was followed').to.be.greaterThan(0)
      expect(
        thief.requests().filter((request) => request.authorization === basic),
        'credentials at the host redirected to',
      ).to.deep.equal([])
      expect(checked.stdout + checked.stderr).not.to.include(password)

      // The registry itself names a realm on another host (as ghcr.io and Docker Hub do): that realm
      // is asked with them.
      count({hostile: 1})
      origin.setMode({header: `Bearer realm="http://${thief.address}/token",service="origin"`, kind: 'challenge'})
      await occ(['image:check', '--json'], [`${origin.address}/${REPOSITORY}`])
      expect(
        thief.requests().filter((request) => request.path.startsWith('/token') && request.authorization === basic)
          .length,
      ).to.be.greaterThan(0)
    })
  })

  describe('malformed challenges', () => {
    const challenges = [
      'Bearer realm="not a url",service="x"',
      'Bearer realm="file:///etc/passwd"',
      'Bearer realm=',
      'Bearer ,,,="',
      'Basic',
    ]

    it('are a registry error for that repository: image:check and image:state ask the next one', async () => {
      await pullPrimary()
      for (const header of challenges) {
        count({faults: 1, hostile: 1})
        const server = await hostile({header, kind: 'challenge'})
        const repositories = [`${server.address}/${REPOSITORY}`, repository('primary')]
        const checked = await occ(['image:check', '--json'], repositories)
        expect(checked.code, `${header}: ${checked.stdout}${checked.stderr}`).to.equal(0)
        expect(JSON.parse(checked.stdout), header).to.include({result: 'up-to-date'})

        const state = await occ(['image:state'], repositories, {OCC_UPDATE_CHECK: 'always'})
        expect(state.code, `${header}: ${state.stderr}`).to.equal(0)
        expect(state.stderr, header).to.equal('')
      }

      const server = await hostile({header: 'Bearer realm="not a url"', kind: 'challenge'})
      const alone = await occ(['image:check', '--json'], [`${server.address}/${REPOSITORY}`])
      expect(alone.code, alone.stderr).to.equal(0)
      expect(JSON.parse(alone.stdout)).to.deep.include({result: 'unknown'})
      expect(JSON.parse(alone.stdout).reason).to.include(
        `${server.address} asks for authentication in a way occ cannot follow: ` +
          'its token service (realm) "not a url" is not an http(s) URL',
      )
    })

    it('image:pull of another tag pulls, then checks the wanted one past the broken registry, exit 0', async () => {
      count({faults: 1, hostile: 1})
      const server = await hostile({header: 'Bearer realm="not a url"', kind: 'challenge'})
      const pulled = await occ(
        ['image:pull', '--tag', '25.0.0'],
        [`${server.address}/${REPOSITORY}`, repository('primary')],
        {OCC_UPDATE_CHECK: 'always'},
      )
      expect(pulled.code, pulled.stderr).to.equal(0)
      expect(pulled.stdout).to.include('Pulled v25.0.0')
      expect(pulled.stderr).to.include(`A newer sandbox image is available (v25.1.3 from ${repository('primary')})`)
    })
  })

  describe('floods', () => {
    const floods = [
      {kind: 'huge-body', bytes: 64 * 1024 * 1024},
      {kind: 'huge-headers', bytes: 1024 * 1024},
      {chunk: 64 * 1024, everyMs: 1, kind: 'endless'},
      {chunk: 1, everyMs: 200, kind: 'endless'},
    ] as const

    it('end an update check in bounded time, as a registry error; the next repository answers in time', async () => {
      await pullPrimary()
      for (const mode of floods) {
        count({faults: 1, hostile: 1})
        const server = await hostile(mode)
        const alone = await occ(['image:check', '--json'], [`${server.address}/${REPOSITORY}`])
        expect(alone.code, `${mode.kind}: ${alone.stderr}`).to.equal(0)
        expect(JSON.parse(alone.stdout), mode.kind).to.include({result: 'unknown'})
        expect(alone.ms, mode.kind).to.be.below(30_000)

        const state = await occ(['image:state'], [`${server.address}/${REPOSITORY}`, repository('primary')], {
          OCC_UPDATE_CHECK: 'always',
        })
        expect(state.code, `${mode.kind}: ${state.stderr}`).to.equal(0)
        expect(state.ms, `${mode.kind}: image:state waits at most its 1.5 s check budget`).to.be.below(6000)
        // A drip outlasts the budget (and says so); the others fail fast and the primary answers:
        // up to date, nothing to say.
        if (mode.kind === 'endless' && mode.everyMs > 100) expect(state.stderr).to.include('timed out: no answer from')
        else expect(state.stderr, mode.kind).to.equal('')
        await server.close()
      }
    })

    it('a redirect loop ends after five redirects as a registry error, and the next repository answers', async () => {
      await pullPrimary()
      count({faults: 1, hostile: 1})
      const server = await hostile({header: 'placeholder', kind: 'challenge'})
      server.setMode({kind: 'redirect', to: server.address})
      const checked = await occ(['image:check', '--json'], [`${server.address}/${REPOSITORY}`, repository('primary')])
      expect(checked.code, checked.stderr).to.equal(0)
      expect(JSON.parse(checked.stdout)).to.include({result: 'up-to-date'})
      expect(server.requests().length).to.equal(6)
    })
  })
})
