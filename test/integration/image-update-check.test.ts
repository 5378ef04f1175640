import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'

import {pushImage} from '../env/index.js'
import {engine, type ImageHome, repository, useFreshImageHome} from './helpers/occ-image.js'
import {joinedPattern} from './helpers/pattern.js'
import {requestsDuring, type UniqueRepository, uniqueRepository} from './helpers/registry-log.js'
import {runCli} from './helpers/run-cli.js'

const docker = engine()

describe('update_check: automatic checks in image:state and image:pull', function () {
  this.timeout(120_000)
  let home: ImageHome
  let repo: UniqueRepository

  useFreshImageHome(docker, async (created) => {
    home = created
    repo = uniqueRepository()
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    // A pull with checks off leaves no last_update_check in the record.
    const pulled = await runCli(['image:pull'], {env: home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})})
    expect(pulled.code, pulled.stderr).to.equal(0)
  })

  const state = async (policy: string, extra: Record<string, string> = {}) => {
    const {requests, result} = await requestsDuring(repo, () =>
      runCli(['image:state'], {env: home.envFor([repo.name], {OCC_UPDATE_CHECK: policy, ...extra})}),
    )
    expect(result.code, result.stderr).to.equal(0)
    return {
      manifestRequests: requests.filter((request) => request.path.includes('/manifests/')).length,
      stderr: result.stderr,
    }
  }

  const lastCheck = () =>
    (JSON.parse(home.stateText() ?? '{}') as {last_update_check?: {cli_version: string; result: string}})
      .last_update_check

  it('never: never asks', async () => {
    expect((await state('never')).manifestRequests).to.equal(0)
    expect((await state('never')).manifestRequests).to.equal(0)
    expect(lastCheck()).to.equal(undefined)
  })

  it('always: asks on every run and remembers the answer', async () => {
    expect((await state('always')).manifestRequests).to.equal(1)
    expect((await state('always')).manifestRequests).to.equal(1)
    expect(lastCheck()).to.include({result: 'up-to-date'})
  })

  it('once: asks once per CLI version and not again', async () => {
    const first = await state('once')
    expect(first.manifestRequests).to.equal(1)
    expect(first.stderr).to.equal('')
    expect((await state('once')).manifestRequests).to.equal(0)
    expect((await state('once')).manifestRequests).to.equal(0)

    // A record last checked by another occ version: this one asks once.
    const record = JSON.parse(home.stateText() ?? '{}') as {last_update_check: {cli_version: string}}
    record.last_update_check.cli_version = '0.0.1'
    writeFileSync(home.stateFile, JSON.stringify(record))
    expect((await state('once')).manifestRequests).to.equal(1)
    expect((await state('once')).manifestRequests).to.equal(0)
  })

  it('once: a check that could not ask the registries (unknown) does not count as the one check', async () => {
    const offline = await runCli(['image:state'], {env: home.envFor([repository('dead')], {OCC_UPDATE_CHECK: 'once'})})
    expect(offline.code, offline.stderr).to.equal(0)
    expect(offline.stderr).to.match(/^Note: could not check for a newer sandbox image/)
    expect(lastCheck()).to.include({result: 'unknown'})
    expect((await state('once')).manifestRequests).to.equal(1)
    expect(lastCheck()).to.include({result: 'up-to-date'})
    expect((await state('once')).manifestRequests).to.equal(0)
  })

  it('prints one line on stderr when a newer image is published', async () => {
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-b`, version: '25.1.4'})
    const {stderr} = await state('always')
    expect(stderr).to.equal(`A newer sandbox image is available (v25.1.4 from ${repo.name}): run "occ image update".\n`)
    expect(lastCheck()).to.include({result: 'update-available'})
    const quiet = await runCli(['image:state', '--quiet'], {
      env: home.envFor([repo.name], {OCC_UPDATE_CHECK: 'always'}),
    })
    expect(quiet.stderr).to.equal('')
  })

  it('image:pull of another tag checks the wanted one; a pull of the wanted tag counts as the check', async () => {
    await pushImage(repo.registry, repo.path, '25.0.0', {seed: `${repo.path}-old`, version: '25.0.0'})
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'once'})
    const older = await runCli(['image:pull', '--tag', '25.0.0'], {env})
    expect(older.code, older.stderr).to.equal(0)
    expect(older.stderr.trim().split('\n').at(-1)).to.equal(
      `A newer sandbox image is available (v25.1.3 from ${repo.name}): run "occ image update".`,
    )
    expect(lastCheck()).to.include({result: 'update-available'})

    const wanted = await runCli(['image:pull', '--json'], {env})
    expect(JSON.parse(wanted.stdout)).to.deep.include({last_update_check: lastCheck()})
    expect(lastCheck()).to.include({result: 'up-to-date'})
  })

  describe('on a dead network', () => {
    let server: Server
    const sockets = new Set<Socket>()
    before(async () => {
      // Accepts connections and never answers: the worst a network can do.
      server = createServer((socket) => sockets.add(socket))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    })
    after(() => {
      for (const socket of sockets) socket.destroy()
      server.close()
    })

    /** How much longer image:state takes with update_check always than with never (the Node start cancels out). */
    const waitOf = async (repositories: string[], extra: Record<string, string> = {}) => {
      const timed = async (policy: string) => {
        const started = performance.now()
        const result = await runCli(['image:state'], {
          env: home.envFor(repositories, {OCC_UPDATE_CHECK: policy, ...extra}),
        })
        expect(result.code, result.stderr).to.equal(0)
        return {ms: performance.now() - started, result}
      }

      const quiet = await timed('never')
      const checked = await timed('always')
      expect(checked.result.stdout).to.include('v25.1.3 — prebuilt from')
      return {seconds: (checked.ms - quiet.ms) / 1000, stderr: checked.result.stderr}
    }

    it('waits at most 1.5 s on a registry that never answers, and says it timed out', async () => {
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('no port')
      const {seconds, stderr} = await waitOf([`127.0.0.1:${address.port}/prizz/x`])
      expect(seconds).to.be.below(2)
      expect(stderr).to.equal(
        `Note: could not check for a newer sandbox image (127.0.0.1:${address.port}/prizz/x: ` +
          `registry unavailable (timed out: no answer from 127.0.0.1:${address.port} within 1.5 s)).\n`,
      )
    })

    it('retries a refused connection or a host without DNS record within 1.5 s in all; names the cause', async () => {
      // The retry delays a user gets (1 s, then 2 s: only the first fits), not the tests' shortened ones.
      const real = {OCC_RETRY_BASE_MS: '1000'}
      const refused = await waitOf([repository('dead')], real)
      expect(refused.seconds).to.be.below(1.7)
      expect(refused.stderr).to.equal(
        `Note: could not check for a newer sandbox image (${repository('dead')}: ` +
          `registry unavailable (connection refused (${repository('dead').split('/')[0]}))).\n`,
      )

      const unknown = await waitOf(['registry.invalid/prizz/x'], real)
      expect(unknown.seconds).to.be.below(1.7)
      expect(unknown.stderr).to.match(
        joinedPattern(
          /^Note: could not check for a newer sandbox image \(registry\.invalid\/prizz\/x: registry unavailable \(/,
          /(unknown host, DNS has no address for it|the DNS lookup failed, no answer from the name server) /,
          /\(registry\.invalid\)\)\)\.\n$/,
        ),
      )
    })
  })
})
