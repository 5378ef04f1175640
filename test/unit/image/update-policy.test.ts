import {expect} from 'chai'

import {checkRecordOfPull, isCheckDue} from '../../../src/lib/image/update-policy.js'

const last = (cliVersion: string) => ({
  checked_at: '2026-01-01T00:00:00.000Z',
  cli_version: cliVersion,
  result: 'up-to-date' as const,
})

describe('isCheckDue', () => {
  it('always checks under always, never under never', () => {
    expect(isCheckDue('always', last('0.1.0'), '0.1.0')).to.equal(true)
    expect(isCheckDue('always', undefined, '0.1.0')).to.equal(true)
    expect(isCheckDue('never', undefined, '0.1.0')).to.equal(false)
  })

  it('checks once per CLI version under once', () => {
    expect(isCheckDue('once', undefined, '0.1.0')).to.equal(true)
    expect(isCheckDue('once', last('0.1.0'), '0.1.0')).to.equal(false)
    expect(isCheckDue('once', last('0.0.9'), '0.1.0')).to.equal(true)
  })

  it('does not count a check that could not ask the registries (unknown) under once', () => {
    expect(isCheckDue('once', {...last('0.1.0'), result: 'unknown'}, '0.1.0')).to.equal(true)
    expect(isCheckDue('once', {...last('0.1.0'), result: 'not-published'}, '0.1.0')).to.equal(false)
  })
})

describe('checkRecordOfPull', () => {
  it('counts a pull of the wanted tag as an up-to-date check, unless checks are off', () => {
    const now = new Date('2026-02-02T00:00:00.000Z')
    expect(checkRecordOfPull('25.1.3', '25.1.3', 'once', now)).to.deep.include({
      checked_at: now.toISOString(),
      result: 'up-to-date',
    })
    expect(checkRecordOfPull('25.0.0', '25.1.3', 'always', now)).to.equal(undefined)
    expect(checkRecordOfPull('25.1.3', '25.1.3', 'never', now)).to.equal(undefined)
  })
})
