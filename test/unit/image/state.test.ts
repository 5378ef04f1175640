import {expect} from 'chai'

import {InvalidRecord, parseImageState} from '../../../src/lib/image/state.js'

const T = '2026-01-24T23:15:28.000Z'
const ID = `sha256:${'a'.repeat(64)}`
const DIGEST = `sha256:${'d'.repeat(64)}`

describe('parseImageState', () => {
  it("reads the original tool's four-field record, with its own time format", () => {
    const original = {acquired_at: T, registry: 'ghcr.io', source: 'prebuilt', version: '25.1.3'}
    expect(parseImageState(original)).to.deep.equal(original)
    const chrono = {...original, acquired_at: '2026-01-24T23:15:28.123456789+00:00'}
    expect(parseImageState(chrono)).to.deep.equal(chrono)
  })

  it('reads a build record with registry null as one without registry', () => {
    expect(parseImageState({acquired_at: T, registry: null, source: 'build', version: '25.1.3'})).to.deep.equal({
      acquired_at: T,
      source: 'build',
      version: '25.1.3',
    })
  })

  it('keeps our additions and drops unknown keys', () => {
    const record = {
      acquired_at: T,
      cli_version: '0.1.0',
      digest: DIGEST,
      extra: 1,
      image: 'ghcr.io/a/b:1',
      image_id: ID,
      last_update_check: {checked_at: T, cli_version: '0.1.0', result: 'up-to-date'},
      registry: 'ghcr.io',
      source: 'prebuilt',
      version: '1',
    }
    const {extra: _extra, ...expected} = record
    expect(parseImageState(record)).to.deep.equal(expected)
  })

  for (const [name, value, problem] of [
    ['null', null, 'the file is not an object'],
    ['an array', [1], 'the file is not an object'],
    ['a number', 3, 'the file is not an object'],
    ['a record without version', {acquired_at: T, source: 'prebuilt'}, 'version is not a version'],
    ['an unknown source', {acquired_at: T, source: 'stolen', version: '1'}, 'source is not "prebuilt" or "build"'],
    [
      'a time that is none',
      {acquired_at: 't', source: 'prebuilt', version: '1'},
      'acquired_at is not a time (ISO 8601)',
    ],
    [
      'a numeric registry',
      {acquired_at: T, registry: 5, source: 'prebuilt', version: '1'},
      'registry is not a registry host',
    ],
    [
      'a registry that is a URL',
      {acquired_at: T, registry: 'https://x/', source: 'prebuilt', version: '1'},
      'registry is not a registry host',
    ],
    [
      'an object image id',
      {acquired_at: T, image_id: {}, source: 'prebuilt', version: '1'},
      'image_id is not an image id such as sha256:…',
    ],
    [
      'an empty image id',
      {acquired_at: T, image_id: '', source: 'prebuilt', version: '1'},
      'image_id is not an image id such as sha256:…',
    ],
    [
      'an image that is no reference',
      {acquired_at: T, image: 'a b', source: 'prebuilt', version: '1'},
      'image is not an image reference',
    ],
    [
      'a digest that is none',
      {acquired_at: T, digest: 'sha256:zz', source: 'prebuilt', version: '1'},
      'digest is not a digest such as sha256:…',
    ],
  ] as const) {
    it(`refuses ${name}, saying which field`, () => {
      expect(parseImageState(value)).to.deep.equal(new InvalidRecord(problem))
    })
  }
})

describe('parseImageState: previous record', () => {
  it('keeps two generations, the current and the previous record, and drops an unknown check result', () => {
    const previous = {acquired_at: T, source: 'build', version: '25.0.0'}
    const record = {
      acquired_at: T,
      previous: {...previous, previous: {acquired_at: 'x', source: 'build', version: '1'}},
      source: 'prebuilt',
      version: '25.1.3',
    }
    expect(parseImageState(record)).to.deep.equal({acquired_at: T, previous, source: 'prebuilt', version: '25.1.3'})
    expect(
      parseImageState({...record, last_update_check: {checked_at: T, cli_version: '0.1.0', result: 'maybe'}}),
    ).to.deep.equal({acquired_at: T, previous, source: 'prebuilt', version: '25.1.3'})
  })

  it('refuses an invalid previous record, naming it', () => {
    expect(parseImageState({acquired_at: T, previous: 'junk', source: 'prebuilt', version: '25.1.3'})).to.deep.equal(
      new InvalidRecord('previous is not an object'),
    )
  })

  it('reads a chain of previous records far deeper than the stack, without recursion', () => {
    let value: Record<string, unknown> = {acquired_at: T, source: 'build', version: '0'}
    for (let level = 1; level <= 100_000; level++)
      value = {acquired_at: T, previous: value, source: 'build', version: String(level)}
    expect(parseImageState(value)).to.deep.equal({
      acquired_at: T,
      previous: {acquired_at: T, source: 'build', version: '99999'},
      source: 'build',
      version: '100000',
    })
  })
})
