import {expect} from 'chai'
import {join} from 'node:path'

import {pushImage, pushMultiArchIndex} from '../env/index.js'
import {moduleLog} from './helpers/module-log.js'
import {joinedPattern} from './helpers/pattern.js'
import {engine, type ImageHome, repository, useFreshImageHome} from './helpers/occ-image.js'
import {requestsDuring, uniqueRepository} from './helpers/registry-log.js'
import {ROOT, runCli} from './helpers/run-cli.js'

const docker = engine()

interface CheckJson {
  result: string
  local: null | {image_id?: string; version?: string}
  remote: null | {digest: string; version?: string; platform?: {architecture: string}}
  checked_at: string
  reason?: string
}

describe('occ image check', function () {
  this.timeout(120_000)
  let home: ImageHome

  useFreshImageHome(docker, (created) => {
    home = created
  })

  const run = async (args: string[], env: Record<string, string>) => {
    const result = await runCli(args, {env})
    expect(result.code, result.stderr).to.equal(0)
    return result
  }

  const check = async (env: Record<string, string>, tag = '25.1.3') =>
    JSON.parse((await run(['image:check', '--tag', tag, '--json'], env)).stdout) as CheckJson

  it('is up to date for an unchanged tag and sees a new image pushed under the same tag, in few requests', async () => {
    const repo = uniqueRepository()
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
    await run(['image:pull'], env)

    const same = await requestsDuring(repo, () => check(env))
    expect(same.result.result).to.equal('up-to-date')
    expect(same.result.local?.version).to.equal('25.1.3')
    expect(same.requests.map((request) => `${request.method} ${request.status}`)).to.deep.equal(['GET 200'])
    const text = await run(['image:check'], env)
    expect(text.stdout).to.equal(`Up to date: ${repo.name}:25.1.3 still serves the current image (you have v25.1.3).\n`)

    const pushed = await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-b`, version: '25.1.4'})
    const changed = await requestsDuring(repo, () => check(env))
    expect(changed.result.result).to.equal('update-available')
    expect(changed.result.remote).to.include({digest: pushed.digest, version: '25.1.4'})
    expect(changed.requests.length).to.be.at.most(3)
    expect((await run(['image:check'], env)).stdout).to.include(
      `Update available: ${repo.name}:25.1.3 now serves v25.1.4 (you have v25.1.3). Run "occ image update"`,
    )
  })

  it('says newer only when the version is newer, and names the command that gets the tag checked', async () => {
    const repo = uniqueRepository()
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    await pushImage(repo.registry, repo.path, '25.0.0', {seed: `${repo.path}-old`, version: '25.0.0'})
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
    await run(['image:pull'], env)

    const older = (await run(['image:check', '--tag', '25.0.0'], env)).stdout
    expect(older).to.equal(
      `${repo.name}:25.0.0 serves v25.0.0, older than yours (v25.1.3). ` +
        'Run "occ image pull --tag 25.0.0" to switch to it.\n',
    )

    // The same version published again (another digest): different, not newer.
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-b`, version: '25.1.3'})
    const republished = (await run(['image:check'], env)).stdout
    expect(republished).to.match(
      new RegExp(
        `^Changed: ${repo.name}:25\\.1\\.3 now serves another image of v25\\.1\\.3 than yours ` +
          '\\(sha256:[0-9a-f]{12}…\\)\\. Run "occ image update" to get it\\.\\n$',
      ),
    )
    const state = await runCli(['image:state'], {env: {...env, OCC_UPDATE_CHECK: 'always'}})
    expect(state.stderr).to.match(
      joinedPattern(
        /^The sandbox image v25\.1\.3 was published again \(sha256:[0-9a-f]{12}… from \S+\): /,
        /run "occ image update" to get it\.\n$/,
      ),
    )
  })

  it('loads no dockerode or undici (fetch, ES import of node:http on Node 24): one Node start + requests', async () => {
    const repo = uniqueRepository()
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
    await run(['image:pull'], env)
    const log = moduleLog(home.dir)
    const result = await run(['image:check'], {...env, ...log.env})
    expect(result.stdout).to.match(/^Up to date/)
    const modules = log.modules()
    expect(
      modules.some((module) => module.includes('/dist/lib/image/registry-client.js')),
      'the recorder saw the check',
    ).to.equal(true)
    expect(
      modules.some((module) => module === 'node:http'),
      'the recorder saw builtins',
    ).to.equal(true)
    const heavy = modules.filter((module) =>
      /\/node_modules\/(dockerode|docker-modem|ssh2|@grpc)\/|^node:internal\/deps\/undici\/|^fetch\(\)$/.test(module),
    )
    expect(heavy).to.deep.equal([])
  })

  it('compares only this platform of a multi-arch index', async () => {
    const repo = uniqueRepository()
    const spec = {seed: `${repo.path}-amd64`, version: '2.0.0'}
    await pushMultiArchIndex(repo.registry, repo.path, '2.0.0', {
      ...spec,
      platforms: {arm64: {seed: `${repo.path}-arm-1`, version: '2.0.0'}},
    })
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
    await run(['image:pull', '--tag', '2.0.0'], env)
    expect((await check(env, '2.0.0')).result).to.equal('up-to-date')

    // Only the arm64 image changes: a new index digest, the same amd64 image.
    await pushMultiArchIndex(repo.registry, repo.path, '2.0.0', {
      ...spec,
      platforms: {arm64: {seed: `${repo.path}-arm-2`, version: '2.0.1'}},
    })
    const other = await requestsDuring(repo, () => check(env, '2.0.0'))
    expect(other.result.result).to.equal('up-to-date')
    expect(other.result.remote?.platform?.architecture).to.equal('amd64')
    expect(other.requests.length).to.be.at.most(3)

    await pushMultiArchIndex(repo.registry, repo.path, '2.0.0', {seed: `${repo.path}-amd64-2`, version: '2.0.1'})
    const mine = await requestsDuring(repo, () => check(env, '2.0.0'))
    expect(mine.result).to.include({result: 'update-available'})
    expect(mine.result.remote?.version).to.equal('2.0.1')
    expect(mine.requests.length).to.be.at.most(3)
  })

  it('is not-published when no repository has the tag', async () => {
    const env = home.envFor([repository('primary'), repository('mirror')])
    const json = await check(env, 'nowhere-to-be-found')
    expect(json).to.include({
      reason: 'the tag nowhere-to-be-found is published in none of the configured repositories',
      result: 'not-published',
    })
    expect(json.local).to.equal(null)
  })

  it('is unknown, with exit 0 and the reason, when no registry answers', async () => {
    const env = home.envFor([repository('dead')])
    const json = await check(env)
    expect(json.result).to.equal('unknown')
    expect(json.reason).to.include(repository('dead')).and.include('registry unavailable')
    expect((await run(['image:check'], env)).stdout).to.match(
      new RegExp(
        `^Unknown: could not ask the registries \\(${repository('dead')}: ` +
          'registry unavailable \\(connection refused \\(',
      ),
    )
  })

  it('is built-locally for a source build, without asking any registry', async () => {
    const repo = uniqueRepository()
    const env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
    await run(['image:build', '--context', join(ROOT, 'test', 'fixtures', 'build', 'ok')], env)
    const built = await requestsDuring(repo, () => check(env))
    expect(built.result.result).to.equal('built-locally')
    expect(built.requests).to.deep.equal([])
  })
})
