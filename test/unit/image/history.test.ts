import {expect} from 'chai'

import type {ImageDetails} from '../../../src/lib/docker/engine.js'
import type {ImageState} from '../../../src/lib/image/state.js'

import {recordAfterAcquire, recordAfterRollback, recordFromImage} from '../../../src/lib/image/history.js'

const NOW = new Date('2026-05-05T05:05:05.000Z')
const check = {checked_at: '2026-05-01T00:00:00.000Z', cli_version: '0.1.0', result: 'up-to-date' as const}
const pulled: ImageState = {
  acquired_at: '2026-05-01T00:00:00.000Z',
  digest: 'sha256:d1',
  image_id: 'sha256:one',
  registry: 'ghcr.io',
  source: 'prebuilt',
  version: '25.0.0',
}
const built: ImageState = {
  acquired_at: '2026-05-02T00:00:00.000Z',
  image_id: 'sha256:two',
  source: 'build',
  version: '25.1.3',
}
const image = (id: string, labels: Record<string, string> = {}, repoDigests: string[] = []) =>
  ({Config: {Labels: labels}, Id: id, RepoDigests: repoDigests}) as unknown as ImageDetails

describe('recordAfterAcquire', () => {
  it("keeps the replaced image's record as previous and carries the last update check over", () => {
    const record = recordAfterAcquire({...pulled, last_update_check: check}, built, 'sha256:one')
    expect(record).to.deep.equal({...built, last_update_check: check, previous: pulled})
    expect(Object.keys(record)).to.deep.equal([
      'version',
      'source',
      'acquired_at',
      'image_id',
      'last_update_check',
      'previous',
    ])
  })

  it('keeps no previous record that does not describe the replaced image', () => {
    expect(recordAfterAcquire(pulled, built, 'sha256:other')).to.deep.equal(built)
  })

  it('keeps the previous record when nothing was replaced, and takes a fresh check', () => {
    const fresh = {...check, checked_at: '2026-05-03T00:00:00.000Z'}
    expect(
      recordAfterAcquire({...pulled, last_update_check: check, previous: built}, pulled, undefined, fresh),
    ).to.deep.equal({...pulled, last_update_check: fresh, previous: built})
  })
})

describe('recordAfterRollback', () => {
  it('swaps the record and its previous one when they describe the swapped images', () => {
    const before = {...built, last_update_check: check, previous: pulled}
    const after = recordAfterRollback(before, image('sha256:two'), image('sha256:one'), NOW)
    expect(after).to.deep.equal({...pulled, last_update_check: check, previous: built})
    expect(recordAfterRollback(after, image('sha256:one'), image('sha256:two'), NOW)).to.deep.equal(before)
  })

  it('describes an image without a record from its labels and repository digest', () => {
    const old = image('sha256:old', {'org.opencode-cloud.version': '1.2.0'}, [
      '127.0.0.1:5000/prizz/x@sha256:' + 'a'.repeat(64),
    ])
    const after = recordAfterRollback(built, image('sha256:two'), old, NOW)
    expect(after).to.deep.equal({
      acquired_at: NOW.toISOString(),
      digest: `sha256:${'a'.repeat(64)}`,
      image_id: 'sha256:old',
      previous: built,
      registry: '127.0.0.1:5000',
      source: 'prebuilt',
      version: '1.2.0',
    })
  })
})

describe('recordFromImage', () => {
  it('knows a build by its label, and an image without repository digest as a build', () => {
    expect(
      recordFromImage(
        image('sha256:b', {'org.opencode-cloud.source': 'build', 'org.opencode-cloud.version': '25.1.3'}),
        NOW,
      ),
    ).to.deep.equal({acquired_at: NOW.toISOString(), image_id: 'sha256:b', source: 'build', version: '25.1.3'})
    expect(recordFromImage(image('sha256:c'), NOW)).to.include({source: 'build', version: 'unknown'})
  })
})
