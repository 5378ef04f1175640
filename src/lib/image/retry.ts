/** How hard one repository is tried before the next one gets its turn. */
export interface RetryPolicy {
  /** Attempts per repository, the first included. */
  attempts: number
  /** Delay before the second attempt; it doubles for each further one. */
  baseMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {attempts: 3, baseMs: 1000}

/** The policy with OCC_RETRY_BASE_MS applied (tests set it to a few ms). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const text = env.OCC_RETRY_BASE_MS?.trim()
  const base = Number(text)
  return text && Number.isFinite(base) && base >= 0 ? {...DEFAULT_RETRY, baseMs: base} : DEFAULT_RETRY
}

/**
 * Delay before attempt `attempt` (2, 3, …): baseMs·2^(attempt-2), spread ±20 % so that
 * many clients retrying together do not hit the registry in step.
 */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const nominal = baseMs * 2 ** Math.max(0, attempt - 2)
  return Math.round(nominal * (0.8 + 0.4 * random()))
}
