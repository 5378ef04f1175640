import {sandboxErrors} from './errors.js'

const UNIX_SECONDS = /^\d+(?:\.\d+)?$/
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g
const UNIT_MS: Record<string, number> = {h: 3_600_000, m: 60_000, ms: 1, ns: 1e-6, s: 1000, us: 1e-3, µs: 1e-3}

/**
 * `occ logs --since` as the Engine API takes it (Unix seconds): the engine parses nothing else, so
 * RFC 3339 times and durations ("10m", "1h30m", as `docker logs` takes them) are converted here.
 */
export function engineSince(text: string, now: number = Date.now()): string {
  if (UNIX_SECONDS.test(text)) return text
  if (DURATION.test(text)) {
    const ms = [...text.matchAll(DURATION_PART)].reduce(
      (sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit],
      0,
    )
    return unixSeconds(now - ms)
  }

  const time = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN
  if (!Number.isNaN(time)) return unixSeconds(time)
  throw sandboxErrors.invalidSince(text)
}

function unixSeconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}
