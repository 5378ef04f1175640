import {expect} from 'chai'
import {join} from 'node:path'

import {pushImage} from '../env/index.js'
import {CURRENT, engine, imageId, type ImageHome, PREVIOUS, repository, useFreshImageHome} from './helpers/occ-image.js'
import {type UniqueRepository, uniqueRepository} from './helpers/registry-log.js'
import {ROOT, runCli} from './helpers/run-cli.js'

const docker = engine()
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build')

interface StateRecord {
  version: string
  source: string
  image_id: string
  previous?: StateRecord
}

describe('occ image update and image:rollback', function () {
  this.timeout(120_000)
  let home: ImageHome
  let repo: UniqueRepository
  let env: Record<string, string>

  useFreshImageHome(docker, async (created) => {
    home = created
    repo = uniqueRepository()
    env = home.envFor([repo.name], {OCC_UPDATE_CHECK: 'never'})
  })

  const occ = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runCli(args, {env: {...env, ...extra}})
    expect(result.code, result.stderr).to.equal(0)
    return result
  }

  const record = () => JSON.parse(home.stateText() ?? 'null') as StateRecord
  const tags = async () => ({current: await imageId(docker, CURRENT), previous: await imageId(docker, PREVIOUS)})

  it('prebuilt: pulls a new image, then does nothing while it is up to date', async () => {
    const first = await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    const initial = await occ(['image:update'])
    expect(initial.stderr).to.include('Updating by pulling the prebuilt image: there is no sandbox image yet.')

    const second = await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-b`, version: '25.1.3'})
    const updated = await occ(['image:update'])
    expect(updated.stderr).to.include(
      `Updating by pulling the prebuilt image: ${repo.name}:25.1.3 serves a different image than the current one.`,
    )
    expect(await tags()).to.deep.equal({current: second.configDigest, previous: first.configDigest})
    expect(record()).to.include({image_id: second.configDigest, source: 'prebuilt'})
    expect(record().previous).to.include({image_id: first.configDigest, source: 'prebuilt'})

    const before = home.stateText()
    const noop = await occ(['image:update', '--json'])
    expect(JSON.parse(noop.stdout)).to.include({action: 'none'})
    expect((await occ(['image:update'])).stdout).to.equal(
      `Nothing to update: ${repo.name}:25.1.3 still serves the current image; use --force to pull it anyway.\n`,
    )
    expect(home.stateText()).to.equal(before)
    expect(await tags()).to.deep.equal({current: second.configDigest, previous: first.configDigest})

    const forced = await occ(['image:update', '--force', '--json'])
    expect(JSON.parse(forced.stdout)).to.include({
      action: 'pull',
      reason: '--force pulls even an image that is up to date',
    })
  })

  it('build: builds from source when image_source is build, then rollback twice returns to the start', async () => {
    const pushed = await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    await occ(['image:pull'])
    const pulledRecord = record()

    const built = await occ(['image:update', '--context', join(FIXTURES, 'ok')], {OCC_IMAGE_SOURCE: 'build'})
    expect(built.stderr).to.include(
      'Updating by building from source: the current image is prebuilt and image_source is build.',
    )
    const builtRecord = record()
    expect(builtRecord).to.include({source: 'build', version: '25.1.3'})
    expect(builtRecord.previous).to.deep.equal(pulledRecord)
    expect(await tags()).to.deep.equal({current: builtRecord.image_id, previous: pushed.configDigest})
    const again = await occ(['image:update', '--context', join(FIXTURES, 'ok')], {OCC_IMAGE_SOURCE: 'build'})
    expect(again.stdout).to.include('Nothing to update: the current image was built from source for 25.1.3')

    const back = await occ(['image:rollback', '--json'])
    expect(JSON.parse(back.stdout)).to.deep.include({
      current_image_id: pushed.configDigest,
      previous_image_id: builtRecord.image_id,
    })
    const {previous: _previous, ...rolledBack} = record()
    expect(rolledBack).to.deep.equal(pulledRecord)
    const {previous: _pulled, ...builtAlone} = builtRecord
    expect(record().previous).to.deep.equal(builtAlone)
    expect(await tags()).to.deep.equal({current: pushed.configDigest, previous: builtRecord.image_id})
    const state = await occ(['image:state'])
    expect(state.stdout).to.include(': ok (')

    const forth = await occ(['image:rollback'])
    expect(forth.stdout).to.match(/^Rolled back: opencode-cloud-sandbox:current is now v25\.1\.3 — built from source/)
    expect(record()).to.deep.equal(builtRecord)
    expect(await tags()).to.deep.equal({current: builtRecord.image_id, previous: pushed.configDigest})
  })

  it('a failed update changes nothing: neither a failed build nor a failed pull', async () => {
    await pushImage(repo.registry, repo.path, '25.0.0', {seed: `${repo.path}-old`, version: '25.0.0'})
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    await occ(['image:pull', '--tag', '25.0.0'])
    await occ(['image:pull'])
    const before = {record: home.stateText(), tags: await tags()}

    const build = await runCli(['image:update', '--context', join(FIXTURES, 'broken')], {
      env: {...env, OCC_IMAGE_SOURCE: 'build'},
    })
    expect(build.code).to.equal(9)
    expect(build.stderr).to.include('The image build failed at step 3/6')
    const pull = await runCli(['image:update', '--force'], {
      env: home.envFor([repository('dead')], {OCC_RETRY_BASE_MS: '10', OCC_UPDATE_CHECK: 'never'}),
    })
    expect(pull.code).to.equal(5)
    expect({record: home.stateText(), tags: await tags()}).to.deep.equal(before)
  })

  it('rollback without a previous image is a clear state error', async () => {
    await pushImage(repo.registry, repo.path, '25.1.3', {seed: `${repo.path}-a`, version: '25.1.3'})
    await occ(['image:pull'])
    const before = home.stateText()
    const result = await runCli(['image:rollback'], {env})
    expect(result.code).to.equal(8)
    expect(result.stderr)
      .to.include('Error: Nothing to roll back to: opencode-cloud-sandbox:previous does not exist')
      .and.include('occ image update')
    expect(home.stateText()).to.equal(before)
    const json = await runCli(['image:rollback', '--json'], {env})
    expect(json.code).to.equal(8)
    expect((JSON.parse(json.stdout) as {error: object}).error).to.include({code: 'no_previous_image', exitCode: 8})
  })
})
