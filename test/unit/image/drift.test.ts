import {expect} from 'chai'

import type {ImageState} from '../../../src/lib/image/state.js'

import {EngineUnreachableError} from '../../../src/lib/docker/errors.js'
import {driftOfRecord} from '../../../src/lib/image/drift.js'
import {localReference} from '../../../src/lib/image/sandbox.js'
import {FakeEngine} from '../helpers/fake-engine.js'

const TARGET = {context: 'prod', uri: 'unix:///fake.sock'}

function recordOf(imageId: string): ImageState {
  return {
    acquired_at: '2026-01-24T23:15:28.000Z',
    cli_version: '0.1.0',
    image_id: imageId,
    source: 'build',
    version: '25.1.3',
  }
}

describe('driftOfRecord', () => {
  it('is ok while current is the recorded image', async () => {
    const engine = new FakeEngine()
    const id = engine.addImage([localReference('current')])
    expect(await driftOfRecord(recordOf(id), TARGET, async () => engine)).to.deep.equal({
      context: 'prod',
      current_image_id: id,
      endpoint: TARGET.uri,
      status: 'ok',
    })
  })

  it('is moved when current names another image, and missing when the recorded image is gone', async () => {
    const engine = new FakeEngine()
    const recorded = engine.addImage(['example.org/sandbox:1'])
    const other = engine.addImage([localReference('current')])
    expect(await driftOfRecord(recordOf(recorded), TARGET, async () => engine)).to.include({
      current_image_id: other,
      status: 'moved',
    })
    expect(await driftOfRecord(recordOf(`sha256:${'0'.repeat(64)}`), TARGET, async () => engine)).to.include({
      status: 'missing',
    })
  })

  it('asks no engine without a record', async () => {
    const connect = async (): Promise<FakeEngine> => {
      throw new Error('must not connect')
    }

    expect(await driftOfRecord(undefined, TARGET, connect)).to.deep.equal({
      context: 'prod',
      endpoint: TARGET.uri,
      status: 'none',
    })
  })

  it('reports an engine it cannot reach as unreachable, with why', async () => {
    const connect = async (): Promise<FakeEngine> => {
      throw new EngineUnreachableError(TARGET.uri, 'ECONNREFUSED')
    }

    const drift = await driftOfRecord(recordOf(`sha256:${'a'.repeat(64)}`), TARGET, connect)
    expect(drift.status).to.equal('unreachable')
    expect(drift.message).to.include(TARGET.uri)
  })
})
