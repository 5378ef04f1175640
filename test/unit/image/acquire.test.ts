/**
 * Acquire: a pull or a build makes the new image current only once its record is on disk,
 * and a failure changes neither.
 */
import {expect} from 'chai'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {ImageState} from '../../../src/lib/image/state.js'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'
import {buildSandboxImage, pullSandboxImage} from '../../../src/lib/image/acquire.js'
import {BuildFailedError} from '../../../src/lib/image/build.js'
import {ImagePullError} from '../../../src/lib/image/errors.js'
import {localReference} from '../../../src/lib/image/sandbox.js'
import {ImageStateStore} from '../../../src/lib/image/state-store.js'
import {FakeEngine, jsonLines} from '../helpers/fake-engine.js'
import {useTempDir} from '../helpers/temp-dir.js'

const REPO = '127.0.0.1:5001/prizz/sandbox'
const DIGEST = `sha256:${'ab'.repeat(32)}`
const NOW = new Date('2026-03-01T00:00:00.000Z')
const served = jsonLines({id: 'l1', status: 'Pulling fs layer'}, {status: `Digest: ${DIGEST}`})
const notFound = () =>
  new EngineRequestError('unix:///fake.sock', 404, 'manifest for x not found: manifest unknown: manifest unknown')

function recordOf(imageId: string): ImageState {
  return {
    acquired_at: '2026-01-24T23:15:28.000Z',
    cli_version: '0.1.0',
    image: `${REPO}:25.1.2`,
    image_id: imageId,
    registry: '127.0.0.1:5001',
    source: 'prebuilt',
    version: '25.1.2',
  }
}

/**
 * An engine that notes, each time a tag moves, which records are on disk beside the record file
 * (the record itself and temp files).
 */
class WatchingEngine extends FakeEngine {
  readonly onDiskAtTag: {record: string; temp: string[]}[] = []

  constructor(private readonly dir: string) {
    super()
  }

  override async tag(image: string, repo: string, tag: string): Promise<void> {
    const names = await readdir(this.dir)
    const read = (name: string) => readFile(join(this.dir, name), 'utf8')
    const temp = await Promise.all(names.filter((name) => name.endsWith('.tmp')).map((name) => read(name)))
    this.onDiskAtTag.push({record: names.includes('image-state.json') ? await read('image-state.json') : '', temp})
    return super.tag(image, repo, tag)
  }
}

describe('acquire (pull and build)', () => {
  const dir = useTempDir('occ-acquire-')
  let engine: WatchingEngine
  let store: ImageStateStore
  let old: string
  beforeEach(async () => {
    engine = new WatchingEngine(dir.path)
    store = new ImageStateStore(join(dir.path, 'image-state.json'))
    old = engine.addImage([localReference('current')])
    await store.transaction(async (transaction) => transaction.write(recordOf(old)))
  })

  const pull = (signal = new AbortController().signal) =>
    pullSandboxImage({
      engine,
      now: () => NOW,
      policy: {attempts: 1, baseMs: 1},
      repositories: [REPO],
      signal,
      store,
      tag: '25.1.3',
    })

  it('pulls, records the pulled image and makes it current, keeping the replaced one as previous', async () => {
    engine.scriptPull(`${REPO}:25.1.3`, [served], {'org.opencode-cloud.version': '25.1.3'})
    const result = await pull()
    const pulled = engine.imageId(`${REPO}:25.1.3`)
    expect(result.replacedId).to.equal(old)
    expect(result.before?.image_id).to.equal(old)
    expect(result.record).to.deep.include({
      acquired_at: NOW.toISOString(),
      digest: DIGEST,
      image: `${REPO}:25.1.3`,
      image_id: pulled,
      registry: '127.0.0.1:5001',
      source: 'prebuilt',
      version: '25.1.3',
    })
    expect(result.record.previous?.image_id).to.equal(old)
    expect(await store.read()).to.deep.equal(result.record)
    expect(engine.imageId(localReference('current'))).to.equal(pulled)
    expect(engine.imageId(localReference('previous'))).to.equal(old)
  })

  it('moves the tags only once the new record is on disk, and before it replaces the old one', async () => {
    engine.scriptPull(`${REPO}:25.1.3`, [served])
    await pull()
    const pulled = engine.imageId(`${REPO}:25.1.3`)
    expect(engine.calls).to.deep.equal([
      `pull ${REPO}:25.1.3`,
      `tag opencode-cloud-sandbox:previous ${old}`,
      `tag opencode-cloud-sandbox:current ${pulled}`,
    ])
    expect(engine.onDiskAtTag).to.have.length(2)
    for (const seen of engine.onDiskAtTag) {
      expect(JSON.parse(seen.record)).to.include({image_id: old})
      expect(seen.temp.map((text) => (JSON.parse(text) as ImageState).image_id)).to.deep.equal([pulled])
    }
  })

  it('a failed pull changes neither the record nor the tags', async () => {
    engine.scriptPull(`${REPO}:25.1.3`, [notFound()])
    const before = await store.read()
    const error = await pull().catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(ImagePullError)
    expect(await store.read()).to.deep.equal(before)
    expect(engine.imageId(localReference('current'))).to.equal(old)
    expect(engine.imageId(localReference('previous'))).to.equal(undefined)
    expect(engine.calls).to.deep.equal([`pull ${REPO}:25.1.3`])
  })

  it('a tag the engine refuses leaves the old record in place', async () => {
    engine.scriptPull(`${REPO}:25.1.3`, [served])
    engine.failures.set('tag opencode-cloud-sandbox:current', new EngineRequestError(engine.label, 500, 'tag refused'))
    const error = await pull().catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(EngineRequestError)
    expect((await store.read())?.image_id).to.equal(old)
    expect(await readdir(dir.path)).to.not.satisfy((names: string[]) => names.some((name) => name.endsWith('.tmp')))
  })

  it('an unreachable engine fails before anything is pulled', async () => {
    engine.failures.set('ping', new EngineRequestError(engine.label, 500, 'down'))
    const error = await pull().catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(EngineRequestError)
    expect(engine.pulls).to.deep.equal([])
    expect((await store.read())?.image_id).to.equal(old)
  })

  it('builds with the version and source labels, records the built image and makes it current', async () => {
    const built = engine.addImage([], {'org.opencode-cloud.version': '25.1.3'})
    engine.scriptBuild(jsonLines({stream: 'Step 1/1 : FROM scratch\n'}, {aux: {ID: built}}))
    const request = {buildArgs: {}, context: '/c', dockerfile: 'Dockerfile', files: ['Dockerfile'], noCache: false}
    const result = await buildSandboxImage({
      engine,
      now: () => NOW,
      request,
      signal: new AbortController().signal,
      store,
      version: '25.1.3',
    })
    expect(engine.builds[0]?.labels).to.deep.equal({
      'org.opencode-cloud.source': 'build',
      'org.opencode-cloud.version': '25.1.3',
    })
    expect(result.record).to.deep.include({image_id: built, source: 'build', version: '25.1.3'})
    expect(result.record.previous?.image_id).to.equal(old)
    expect(engine.imageId(localReference('current'))).to.equal(built)
    expect(engine.imageId(localReference('previous'))).to.equal(old)
    expect(engine.calls.indexOf('build')).to.be.lessThan(
      engine.calls.indexOf(`tag opencode-cloud-sandbox:current ${built}`),
    )
  })

  it('a failed build changes neither the record nor the tags', async () => {
    engine.scriptBuild(
      jsonLines(
        {stream: 'Step 1/1 : RUN false\n'},
        {error: 'x', errorDetail: {message: "The command '/bin/sh -c false' returned a non-zero code: 1"}},
      ),
    )
    const request = {buildArgs: {}, context: '/c', dockerfile: 'Dockerfile', files: ['Dockerfile'], noCache: false}
    const error = await buildSandboxImage({
      engine,
      request,
      signal: new AbortController().signal,
      store,
      version: '25.1.3',
    }).catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(BuildFailedError)
    expect((await store.read())?.image_id).to.equal(old)
    expect(engine.imageId(localReference('current'))).to.equal(old)
    expect(engine.calls).to.deep.equal(['build'])
  })
})
