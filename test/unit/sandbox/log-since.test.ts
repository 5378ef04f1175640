import {expect} from 'chai'

import {OccError} from '../../../src/lib/errors.js'
import {engineSince} from '../../../src/lib/sandbox/log-since.js'

describe('engineSince: occ logs --since as the Engine API takes it', () => {
  const now = Date.parse('2024-05-01T12:00:00Z')

  it('passes Unix seconds through', () => {
    expect(engineSince('1714564800', now)).to.equal('1714564800')
    expect(engineSince('1714564800.5', now)).to.equal('1714564800.5')
  })

  it('turns RFC 3339 times (any offset, fractions) into Unix seconds', () => {
    expect(engineSince('2024-05-01T11:00:00Z', now)).to.equal('1714561200.000')
    expect(engineSince('2024-05-01T13:00:00.250+02:00', now)).to.equal('1714561200.250')
  })

  it('turns durations into a time before now, as docker logs does', () => {
    expect(engineSince('10m', now)).to.equal(`${(now - 600_000) / 1000}.000`)
    expect(engineSince('1h30m', now)).to.equal(`${(now - 5_400_000) / 1000}.000`)
    expect(engineSince('1.5s', now)).to.equal('1714564798.500')
  })

  it('refuses anything else as a usage error (exit 2) naming the forms it takes', () => {
    for (const text of ['yesterday', '10 minutes', '-5m', '2024-13-45T00:00:00Z', '']) {
      let thrown: unknown
      try {
        engineSince(text, now)
      } catch (error) {
        thrown = error
      }

      expect(thrown, text).to.be.instanceOf(OccError)
      expect((thrown as OccError).exitCode, text).to.equal(2)
      expect((thrown as OccError).suggestion, text).to.include('RFC 3339')
    }
  })
})
