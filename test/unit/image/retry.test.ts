import {expect} from 'chai'

import {
  backoffDelay,
  DEFAULT_RETRY,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  retryPolicyFromEnv,
  withRetries,
} from '../../../src/lib/image/retry.js'

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

  it('takes OCC_STALL_TIMEOUT_MS as the stall bound; none, 0 or junk keeps the default', () => {
    expect(retryPolicyFromEnv({OCC_STALL_TIMEOUT_MS: '1500'}).stallMs).to.equal(1500)
    for (const text of [undefined, '0', 'never', '-5'])
      expect(retryPolicyFromEnv({OCC_STALL_TIMEOUT_MS: text}).stallMs).to.equal(undefined)
  })

  it('reads Retry-After as seconds or an HTTP date, and nothing from junk', () => {
    const now = Date.parse('2026-03-01T00:00:00Z')
    expect(parseRetryAfter('7', now)).to.equal(7000)
    expect(parseRetryAfter(' 0 ', now)).to.equal(0)
    expect(parseRetryAfter('Sun, 01 Mar 2026 00:00:03 GMT', now)).to.equal(3000)
    expect(parseRetryAfter('Sat, 28 Feb 2026 00:00:00 GMT', now)).to.equal(0)
    for (const junk of [null, undefined, '', 'soon', '-1', '1.5'])
      expect(parseRetryAfter(junk, now)).to.equal(undefined)
  })
})

describe('withRetries', () => {
  const never = new AbortController().signal
  const options = (judge: Parameters<typeof withRetries>[1]['judge'], delays: number[] = []) => ({
    interrupted: () => new Error('interrupted'),
    judge,
    onRetry: ({delayMs}: {delayMs: number}) => delays.push(delayMs),
    policy: {attempts: 3, baseMs: 1},
    random: () => 0.5,
    signal: never,
  })

  it('retries what the judge calls transient, up to the attempts, and throws the last error', async () => {
    const seen: number[] = []
    const error = await withRetries(
      async (attempt) => {
        seen.push(attempt)
        throw new Error(`failure ${attempt}`)
      },
      options(() => ({retry: true})),
    ).catch((error_: Error) => error_)
    expect(seen).to.deep.equal([1, 2, 3])
    expect(error.message).to.equal('failure 3')
  })

  it('stops at once on a failure the judge calls permanent, and returns a later success', async () => {
    let calls = 0
    const permanent = await withRetries(
      async () => {
        calls++
        throw new Error('no')
      },
      options(() => ({retry: false})),
    ).catch((error_: Error) => error_)
    expect([calls, permanent.message]).to.deep.equal([1, 'no'])
    expect(
      await withRetries(
        async (attempt) => {
          if (attempt < 2) throw new Error('once')
          return 'ok'
        },
        options(() => ({retry: true})),
      ),
    ).to.equal('ok')
  })

  it('never starts a wait that would end past `until`: the last error comes at once', async () => {
    const seen: number[] = []
    const started = Date.now()
    const error = await withRetries(
      async (attempt) => {
        seen.push(attempt)
        throw new Error(`failure ${attempt}`)
      },
      {...options(() => ({retry: true, retryAfterMs: 5000})), until: Date.now() + 1000},
    ).catch((error_: Error) => error_)
    expect([seen, error.message]).to.deep.equal([[1], 'failure 1'])
    expect(Date.now() - started).to.be.below(500)
  })

  it('waits what Retry-After asks instead of the backoff, but never longer than the cap', async () => {
    const delays: number[] = []
    const controller = new AbortController()
    const waits = [5, RETRY_AFTER_CAP_MS * 100]
    const pending = withRetries(
      async () => {
        throw new Error('busy')
      },
      {
        ...options(() => ({retry: true, retryAfterMs: waits.shift()}), delays),
        onRetry({delayMs}) {
          delays.push(delayMs)
          if (delays.length === 2) controller.abort()
        },
        signal: controller.signal,
      },
    )
    const error = await pending.catch((error_: Error) => error_)
    expect(delays).to.deep.equal([5, RETRY_AFTER_CAP_MS])
    expect(error.message).to.equal('interrupted')
  })
})
