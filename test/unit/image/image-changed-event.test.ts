import {expect} from 'chai'

import {imageChangedEvent} from '../../../src/lib/image/image-changed-event.js'
import type {ImageState} from '../../../src/lib/image/state.js'

const older: ImageState = {
  acquired_at: '2026-01-01T00:00:00.000Z',
  image_id: 'sha256:a',
  source: 'prebuilt',
  version: '25.0.0',
}
const newer: ImageState = {
  acquired_at: '2026-02-01T00:00:00.000Z',
  image_id: 'sha256:b',
  previous: older,
  registry: 'ghcr.io',
  source: 'prebuilt',
  version: '25.1.3',
}

describe('imageChangedEvent', () => {
  it('carries the action, the new record and the one before', () => {
    expect(imageChangedEvent('pull', newer, older)).to.deep.equal({action: 'pull', previous: older, record: newer})
    expect(imageChangedEvent('rollback', older, newer)).to.deep.include({action: 'rollback', record: older})
  })

  it('says null, never undefined, for a missing record (clear, first pull)', () => {
    expect(imageChangedEvent('clear', null, newer)).to.deep.equal({action: 'clear', previous: newer, record: null})
    expect(imageChangedEvent('build', newer, undefined)).to.have.property('previous', null)
    expect(JSON.parse(JSON.stringify(imageChangedEvent('clear', undefined, undefined)))).to.deep.equal({
      action: 'clear',
      previous: null,
      record: null,
    })
  })

  it('hands plugins copies: a hook changing them changes nothing of occ', () => {
    const event = imageChangedEvent('update', newer, older)
    if (!event.record?.previous || !event.previous) throw new Error('records expected')
    event.record.version = 'tampered'
    event.record.previous.version = 'tampered'
    event.previous.image_id = 'tampered'
    expect([newer.version, older.version, older.image_id]).to.deep.equal(['25.1.3', '25.0.0', 'sha256:a'])
  })
})
