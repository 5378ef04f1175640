import {expect} from 'chai'

import {backoffDelay, DEFAULT_RETRY, retryPolicyFromEnv} from '../../../src/lib/image/retry.js'

describe('retry policy', () => {
  it('doubles from the base: 1 s before attempt 2, 2 s before attempt 3', () => {
    const middle = () => 0.5
    expect(backoffDelay(2, 1000, middle)).to.equal(1000)
    expect(backoffDelay(3, 1000, middle)).to.equal(2000)
    expect(backoffDelay(4, 1000, middle)).to.equal(4000)
  })

  it('spreads each delay by ±20 % jitter', () => {
    expect(backoffDelay(2, 1000, () => 0)).to.equal(800)
    expect(backoffDelay(2, 1000, () => 0.999_999)).to.equal(1200)
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(3, 1000)
      expect(delay).to.be.within(1600, 2400)
    }
  })

  it('defaults to 3 attempts from 1 s, and takes OCC_RETRY_BASE_MS', () => {
    expect(retryPolicyFromEnv({})).to.deep.equal({attempts: 3, baseMs: 1000})
    expect(retryPolicyFromEnv({OCC_RETRY_BASE_MS: '5'})).to.deep.equal({...DEFAULT_RETRY, baseMs: 5})
    expect(retryPolicyFromEnv({OCC_RETRY_BASE_MS: '0'}).baseMs).to.equal(0)
    expect(retryPolicyFromEnv({OCC_RETRY_BASE_MS: 'soon'}).baseMs).to.equal(1000)
    expect(retryPolicyFromEnv({OCC_RETRY_BASE_MS: '-1'}).baseMs).to.equal(1000)
  })
})
