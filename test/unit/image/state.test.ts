import {expect} from 'chai'

import {parseImageState} from '../../../src/lib/image/state.js'

describe('parseImageState', () => {
  it("reads the original tool's four-field record", () => {
    const original = {acquired_at: '2026-01-24T23:15:28.000Z', registry: 'ghcr.io', source: 'prebuilt', version: '1.4.0'}
    expect(parseImageState(original)).to.deep.equal(original)
  })

  it('reads a build record with registry null as one without registry', () => {
    expect(parseImageState({acquired_at: 't', registry: null, source: 'build', version: '1.4.0'})).to.deep.equal({acquired_at: 't', source: 'build', version: '1.4.0'})
  })

  it('keeps our additions and drops unknown keys', () => {
    const record = {
      acquired_at: 't',
      cli_version: '0.1.0',
      digest: 'sha256:d',
      extra: 1,
      image: 'ghcr.io/a/b:1',
      image_id: 'sha256:i',
      last_update_check: {checked_at: 'c', cli_version: '0.1.0', result: 'up-to-date'},
      registry: 'ghcr.io',
      source: 'prebuilt',
      version: '1',
    }
    const {extra: _extra, ...expected} = record
    expect(parseImageState(record)).to.deep.equal(expected)
  })

  for (const [name, value] of [
    ['null', null],
    ['an array', [1]],
    ['a number', 3],
    ['a record without version', {acquired_at: 't', source: 'prebuilt'}],
    ['an unknown source', {acquired_at: 't', source: 'stolen', version: '1'}],
    ['a numeric registry', {acquired_at: 't', registry: 5, source: 'prebuilt', version: '1'}],
    ['an object image id', {acquired_at: 't', image_id: {}, source: 'prebuilt', version: '1'}],
  ] as const) {
    it(`refuses ${name}`, () => {
      expect(parseImageState(value)).to.equal(undefined)
    })
  }
})

describe('parseImageState: previous record', () => {
  it('keeps the previous record one level deep and drops an unknown check result', () => {
    const previous = {acquired_at: 'p', source: 'build', version: '1.3.0'}
    const record = {acquired_at: 't', previous: {...previous, previous: {acquired_at: 'x', source: 'build', version: '1'}}, source: 'prebuilt', version: '1.4.0'}
    expect(parseImageState(record)).to.deep.equal({acquired_at: 't', previous, source: 'prebuilt', version: '1.4.0'})
    expect(parseImageState({...record, last_update_check: {checked_at: 'c', cli_version: '0.1.0', result: 'maybe'}, previous: 'junk'})).to.deep.equal({acquired_at: 't', source: 'prebuilt', version: '1.4.0'})
  })
})
