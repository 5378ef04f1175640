/** Image versions as the sandbox publishes them: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], an optional leading "v". */
const VERSION = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

/** Semver's order of prerelease identifiers: numbers below words, numbers by value, a shorter list first. */
function comparePrerelease(a: string[], b: string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const [x, y] = [a[index], b[index]]
    if (x === y) continue
    const [xNumber, yNumber] = [/^\d+$/.test(x), /^\d+$/.test(y)]
    if (xNumber && yNumber) return Math.sign(Number(x) - Number(y))
    if (xNumber !== yNumber) return xNumber ? -1 : 1
    return x < y ? -1 : 1
  }

  return Math.sign(a.length - b.length)
}

/**
 * Which of two image versions is newer: negative when `a` is older, 0 when they are the same
 * version, positive when `a` is newer; undefined when either is no version (e.g. "latest").
 */
export function compareVersions(a: string, b: string): number | undefined {
  const [x, y] = [VERSION.exec(a), VERSION.exec(b)]
  if (!x || !y) return undefined
  const [xParts, yParts] = [x[1].split('.').map(Number), y[1].split('.').map(Number)]
  for (let index = 0; index < Math.max(xParts.length, yParts.length); index++) {
    const difference = (xParts[index] ?? 0) - (yParts[index] ?? 0)
    if (difference !== 0) return Math.sign(difference)
  }

  // A release is newer than its prereleases.
  if (x[2] === undefined || y[2] === undefined) return x[2] === y[2] ? 0 : x[2] === undefined ? 1 : -1
  return comparePrerelease(x[2].split('.'), y[2].split('.'))
}
