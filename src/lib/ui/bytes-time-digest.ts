/** Bytes, times and digests as people read them in progress lines and reports. */
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB']

/** Bytes in decimal units as docker prints them: "512 B", "3.4 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }

  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 52 / 12],
  ['month', 12],
]

/** Made on first use: setting up ICU's formatter costs ~10 ms, which commands that print no time should not pay. */
let relative: Intl.RelativeTimeFormat | undefined
const relativeFormat = () => (relative ??= new Intl.RelativeTimeFormat('en', {numeric: 'auto'}))

/** "2 hours ago", "yesterday", "just now" — `when` relative to `now`. */
export function formatRelativeTime(when: Date, now: Date = new Date()): string {
  let amount = (when.getTime() - now.getTime()) / 1000
  if (Math.abs(amount) < 45) return 'just now'
  for (const [unit, size] of STEPS) {
    if (Math.abs(Math.round(amount)) < size) return relativeFormat().format(Math.round(amount), unit)
    amount /= size
  }

  return relativeFormat().format(Math.round(amount), 'year')
}

/** "sha256:abc123def456…" — enough of a digest or id to recognise it. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['', digest]
  const short = hex.length > 12 ? `${hex.slice(0, 12)}…` : hex
  return algorithm ? `${algorithm}:${short}` : short
}
