import {expect} from 'chai'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {basename, dirname} from 'node:path'

import {imageStateFile} from '../../src/lib/image-record-path.js'

import {
  CURRENT,
  engine,
  imageId,
  type ImageHome,
  pullTag,
  removeSandboxImages,
  repository,
  seed,
  useFreshImageHome,
} from './helpers/occ-image.js'
import {runCli} from './helpers/run-cli.js'

const docker = engine()

interface StateJson {
  state: null | Record<string, string>
  engine: {status: string; endpoint: string; current_image_id?: null | string; message?: string}
}

describe('occ image state', function () {
  this.timeout(60_000)
  let home: ImageHome
  let env: Record<string, string>

  useFreshImageHome(docker, async (created) => {
    home = created
    // Update checks have their own tests (image-update-check.test.ts); here they would only add noise.
    env = home.envFor([repository('primary')], {OCC_UPDATE_CHECK: 'never'})
  })

  const pull = (tag = '25.1.3') => pullTag(env, tag)

  const state = async (extra: Record<string, string> = {}) => {
    const result = await runCli(['image:state', '--json'], {env: {...env, ...extra}})
    expect(result.code, result.stderr).to.equal(0)
    return JSON.parse(result.stdout) as StateJson
  }

  it('says there is no record and how to get one', async () => {
    const text = await runCli(['image:state'], {env})
    expect(text.code).to.equal(0)
    expect(text.stdout).to.include('No sandbox image recorded yet').and.include('occ image pull')
    expect(await state()).to.deep.equal({
      engine: {endpoint: env.DOCKER_HOST, status: 'none'},
      state: null,
      wanted_version: '25.1.3',
    })
  })

  it('shows the record in words and reports ok when the engine agrees', async () => {
    await pull()
    const text = await runCli(['image:state'], {env})
    expect(text.code).to.equal(0)
    const host = repository('primary').split('/')[0]
    expect(text.stdout).to.match(
      new RegExp(
        `^v25\\.1\\.3 — prebuilt from ${host.replaceAll('.', '\\.')}, acquired just now \\(sha256:[0-9a-f]{12}…\\)$`,
        'm',
      ),
    )
    expect(text.stdout).to.include(`Engine ${env.DOCKER_HOST}: ok`)
    const json = await state()
    expect(json.engine).to.deep.equal({
      current_image_id: seed('primary', '25.1.3').configDigest,
      endpoint: env.DOCKER_HOST,
      status: 'ok',
    })
    expect(json.state).to.include({image_id: seed('primary', '25.1.3').configDigest, registry: host})
  })

  it('reports missing after the image is removed from the engine', async () => {
    await pull()
    await removeSandboxImages(docker)
    const json = await state()
    expect(json.engine.status).to.equal('missing')
    const text = await runCli(['image:state'], {env})
    expect(text.stderr).to.include('Warning: the recorded image is no longer on the engine')
  })

  it('reports moved when current points at another image', async () => {
    await pull()
    const other = seed('primary', '25.0.0')
    await docker
      .pull(other.reference)
      .then((stream) => new Promise((resolve) => docker.modem.followProgress(stream, resolve)))
    await docker.getImage(other.reference).tag({repo: 'opencode-cloud-sandbox', tag: 'current'})
    const json = await state()
    expect(json.engine).to.include({current_image_id: other.configDigest, status: 'moved'})
    expect(await imageId(docker, CURRENT)).to.equal(other.configDigest)
  })

  it('still shows the record, with a warning, when the engine is unreachable', async () => {
    await pull()
    const dead = `unix://${home.dir}/dead.sock`
    // The record of an engine that has gone away since (records are per engine).
    const deadFile = imageStateFile({...home.env, DOCKER_HOST: dead})
    mkdirSync(dirname(deadFile), {recursive: true})
    writeFileSync(deadFile, JSON.stringify({...JSON.parse(readFileSync(home.stateFile, 'utf8')), engine: dead}))
    const json = await state({DOCKER_HOST: dead})
    expect(json.state).to.include({version: '25.1.3'})
    expect(json.engine.status).to.equal('unreachable')
    expect(json.engine.endpoint).to.equal(dead)
    const text = await runCli(['image:state'], {env: {...env, DOCKER_HOST: dead}})
    expect(text.code).to.equal(0)
    expect(text.stdout).to.include('v25.1.3 — prebuilt from')
    expect(text.stderr).to.include(
      `Warning: could not check the engine (Cannot reach the Docker engine at ${dead}: no such socket.)`,
    )
  })

  it('moves a corrupt record aside with a warning and carries on', async () => {
    await pull()
    writeFileSync(home.stateFile, '{"version": "25.1.3", "source": ')
    const text = await runCli(['image:state'], {env})
    expect(text.code).to.equal(0)
    const file = basename(home.stateFile)
    expect(text.stderr).to.include(
      `Warning: the image record ${home.stateFile} was unreadable (it is not valid JSON); ` +
        `moved it to ${home.stateFile}.corrupt-`,
    )
    expect(text.stdout).to.include('No sandbox image recorded yet')
    expect(readdirSync(dirname(home.stateFile)).filter((name) => name.startsWith(`${file}.corrupt-`))).to.have.length(1)
    expect(await state()).to.deep.include({state: null})
  })

  it('reads a record written by the original tool (four fields)', async () => {
    await pull()
    writeFileSync(
      home.stateFile,
      JSON.stringify({acquired_at: '2026-01-24T23:15:28Z', registry: 'ghcr.io', source: 'prebuilt', version: '25.1.3'}),
    )
    const json = await state()
    expect(json.state).to.deep.equal({
      acquired_at: '2026-01-24T23:15:28Z',
      registry: 'ghcr.io',
      source: 'prebuilt',
      version: '25.1.3',
    })
    expect(json.engine.status).to.equal('ok')
  })
})
