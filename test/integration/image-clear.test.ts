import {expect} from 'chai'

import {
  CURRENT,
  engine,
  imageId,
  type ImageHome,
  PREVIOUS,
  pullTag,
  repository,
  seed,
  useFreshImageHome,
} from './helpers/occ-image.js'
import {runCli, runInTerminal} from './helpers/run-cli.js'

const docker = engine()

describe('occ image clear', function () {
  this.timeout(60_000)
  let home: ImageHome
  let env: Record<string, string>

  useFreshImageHome(docker, async (created) => {
    home = created
    env = home.envFor([repository('primary')])
  })

  const pull = (tag: string) => pullTag(env, tag)

  it('is a no-op when there is no record', async () => {
    const result = await runCli(['image:clear'], {env})
    expect(result.code).to.equal(0)
    expect(result.stdout).to.include('No image record to remove.')
    expect(JSON.parse((await runCli(['image:clear', '--json'], {env})).stdout)).to.deep.equal({record: null})
  })

  it('removes the record and leaves the images', async () => {
    await pull('25.1.3')
    const result = await runCli(['image:clear', '--json'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.have.nested.property('record.version', '25.1.3')
    expect(home.stateText()).to.equal(undefined)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.1.3').configDigest)
    expect((await runCli(['image:clear'], {env})).code, 'idempotent').to.equal(0)
  })

  it('asks before removing images and refuses without a terminal unless --force', async () => {
    await pull('25.1.3')
    const result = await runCli(['image:clear', '--remove-image'], {env})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.include('Add --force')
    expect(home.stateText()).to.not.equal(undefined)
    expect(await imageId(docker, CURRENT)).to.not.equal(undefined)
  })

  it('on a terminal, asks before removing images; answering no changes nothing', async () => {
    await pull('25.1.3')
    const record = home.stateText()
    const {status, screen} = runInTerminal(['image', 'clear', '--remove-image'], {...process.env, ...env}, 'n\n')
    expect(status, screen).to.equal(0)
    expect(screen).to.include(`Remove ${CURRENT}, :previous and the recorded image from the engine at`)
    expect(screen).to.include('Nothing was changed.')
    expect(home.stateText()).to.equal(record)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.1.3').configDigest)
  })

  it('with --remove-image --force removes its tags and image, never another image', async () => {
    await pull('25.0.0')
    await pull('25.1.3')
    const bystander = seed('mirror', '25.1.3')
    await docker
      .pull(bystander.reference)
      .then((stream) => new Promise((resolve) => docker.modem.followProgress(stream, resolve)))
    await docker.getImage(seed('primary', '25.1.3').reference).tag({repo: 'my/own', tag: 'keep'})

    const result = await runCli(['image:clear', '--remove-image', '--force', '--json'], {env})
    expect(result.code, result.stderr).to.equal(0)
    const cleared = JSON.parse(result.stdout) as {
      images: {deleted: string[]; kept?: {image_id: string; reason: string}; untagged: string[]}
      record: {version: string}
    }
    expect(cleared.record.version).to.equal('25.1.3')
    expect(cleared.images.untagged).to.include.members([CURRENT, PREVIOUS])
    expect(cleared.images.kept).to.deep.equal({
      image_id: seed('primary', '25.1.3').configDigest,
      reason: 'also named my/own:keep',
    })
    expect(await imageId(docker, CURRENT)).to.equal(undefined)
    expect(await imageId(docker, PREVIOUS)).to.equal(undefined)
    expect(await imageId(docker, 'my/own:keep')).to.equal(seed('primary', '25.1.3').configDigest)
    expect(await imageId(docker, bystander.reference)).to.equal(bystander.configDigest)
    expect(
      await imageId(docker, seed('primary', '25.0.0').reference),
      'the previous image keeps its own name',
    ).to.equal(seed('primary', '25.0.0').configDigest)
    expect(home.stateText()).to.equal(undefined)
  })

  it('deletes the recorded image when nothing else names it', async () => {
    await pull('25.1.3')
    const result = await runCli(['image:clear', '--remove-image', '--force'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.include('Removed the image record').and.include('Deleted images: sha256:')
    expect(await imageId(docker, seed('primary', '25.1.3').configDigest)).to.equal(undefined)
  })
})
