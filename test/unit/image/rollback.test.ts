import {expect} from 'chai'
import {join} from 'node:path'

import type {ImageState} from '../../../src/lib/image/state.js'

import {NothingToRollBackError, rollbackImage} from '../../../src/lib/image/rollback.js'
import {localReference} from '../../../src/lib/image/sandbox.js'
import {ImageStateStore} from '../../../src/lib/image/state-store.js'
import {FakeEngine} from '../helpers/fake-engine.js'
import {useTempDir} from '../helpers/temp-dir.js'

function recordOf(imageId: string, version: string, previous?: ImageState): ImageState {
  return {
    acquired_at: '2026-01-24T23:15:28.000Z',
    cli_version: '0.1.0',
    image_id: imageId,
    source: 'build',
    version,
    ...(previous ? {previous} : {}),
  }
}

describe('rollbackImage', () => {
  const dir = useTempDir('occ-rollback-')
  const storeIn = () => new ImageStateStore(join(dir.path, 'image-state.json'))

  it('swaps current and previous and records the image now current', async () => {
    const engine = new FakeEngine()
    const older = engine.addImage([localReference('previous')], {'org.opencode-cloud.version': '25.0.0'})
    const newer = engine.addImage([localReference('current')])
    const store = storeIn()
    await store.transaction(async (transaction) =>
      transaction.write(recordOf(newer, '25.1.3', recordOf(older, '25.0.0'))),
    )
    const result = await rollbackImage({engine, store})
    expect(result).to.include({current_image_id: older, previous_image_id: newer})
    expect(engine.imageId(localReference('current'))).to.equal(older)
    expect(engine.imageId(localReference('previous'))).to.equal(newer)
    expect((await store.read())?.image_id).to.equal(older)
  })

  it('refuses, changing nothing, when there is no previous image or it is the current one', async () => {
    const engine = new FakeEngine()
    const only = engine.addImage([localReference('current')])
    const error = await rollbackImage({engine, store: storeIn()}).catch((caught: unknown) => caught)
    expect(error).to.be.instanceOf(NothingToRollBackError)
    await engine.tag(only, 'opencode-cloud-sandbox', 'previous')
    engine.calls.length = 0
    expect(await rollbackImage({engine, store: storeIn()}).catch((caught: unknown) => caught)).to.be.instanceOf(
      NothingToRollBackError,
    )
    expect(engine.calls).to.deep.equal([])
  })

  it('puts current back and keeps the record when the second tag fails', async () => {
    const engine = new FakeEngine()
    const older = engine.addImage([localReference('previous')])
    const newer = engine.addImage([localReference('current')])
    const store = storeIn()
    await store.transaction(async (transaction) => transaction.write(recordOf(newer, '25.1.3')))
    engine.failures.set(`tag ${localReference('previous')}`, new Error('disk full'))
    const error = await rollbackImage({engine, store}).catch((caught: unknown) => caught)
    expect((error as Error).message).to.equal('disk full')
    expect(engine.imageId(localReference('current'))).to.equal(newer)
    expect((await store.read())?.image_id).to.equal(newer)
    expect(older).to.not.equal(newer)
  })
})
