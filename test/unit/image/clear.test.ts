import {expect} from 'chai'
import {join} from 'node:path'

import type {ImageState} from '../../../src/lib/image/state.js'

import {clearImageState} from '../../../src/lib/image/clear.js'
import {localReference} from '../../../src/lib/image/sandbox.js'
import {ImageStateStore} from '../../../src/lib/image/state-store.js'
import {FakeEngine} from '../helpers/fake-engine.js'
import {useTempDir} from '../helpers/temp-dir.js'

const PULLED_AS = '127.0.0.1:5001/prizz/opencode-cloud-sandbox:25.1.3'

function recordOf(imageId: string): ImageState {
  return {
    acquired_at: '2026-01-24T23:15:28.000Z',
    cli_version: '0.1.0',
    image: PULLED_AS,
    image_id: imageId,
    registry: '127.0.0.1:5001',
    source: 'prebuilt',
    version: '25.1.3',
  }
}

describe('clearImageState', () => {
  const dir = useTempDir('occ-clear-')
  let store: ImageStateStore
  beforeEach(() => {
    store = new ImageStateStore(join(dir.path, 'image-state.json'))
  })

  it('forgets the record and leaves the engine alone without an engine', async () => {
    const engine = new FakeEngine()
    const id = engine.addImage([localReference('current'), PULLED_AS])
    await store.transaction(async (transaction) => transaction.write(recordOf(id)))
    const result = await clearImageState({store})
    expect(result.record?.image_id).to.equal(id)
    expect(result.images).to.equal(undefined)
    expect(await store.read()).to.equal(undefined)
    expect(engine.calls).to.deep.equal([])
  })

  it('answers no record when there is none (idempotent)', async () => {
    expect(await clearImageState({engine: new FakeEngine(), store})).to.deep.equal({
      images: {deleted: [], untagged: []},
      record: null,
    })
  })

  it('with an engine, removes the tags and the recorded image that nothing else names', async () => {
    const engine = new FakeEngine()
    const id = engine.addImage([localReference('current'), PULLED_AS])
    const older = engine.addImage([localReference('previous')])
    await store.transaction(async (transaction) => transaction.write(recordOf(id)))
    const {images} = await clearImageState({engine, store})
    expect(images?.untagged).to.have.members([localReference('current'), localReference('previous'), PULLED_AS])
    expect(images?.deleted).to.have.members([id, older])
    expect(images?.kept).to.equal(undefined)
    expect(engine.images.size).to.equal(0)
  })

  it('keeps the recorded image when another name or a container uses it, and says why', async () => {
    const engine = new FakeEngine()
    const named = engine.addImage([localReference('current'), PULLED_AS, 'mine:latest'])
    await store.transaction(async (transaction) => transaction.write(recordOf(named)))
    expect((await clearImageState({engine, store})).images?.kept).to.deep.equal({
      image_id: named,
      reason: 'also named mine:latest',
    })

    const used = engine.addImage([PULLED_AS])
    engine.add('sandbox', used, {})
    await store.transaction(async (transaction) => transaction.write(recordOf(used)))
    const {images} = await clearImageState({engine, store})
    expect(images?.kept?.image_id).to.equal(used)
    expect(images?.kept?.reason).to.include('being used by running container')
    expect(engine.imageId(used)).to.equal(used)
  })
})
