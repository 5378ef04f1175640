/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution))
    }

    previous = current
  }

  return previous[b.length]
}

/** True when `distance` edits make a plausible typo of a name `length` long: two letters, or a third of them. */
export function isTypoDistance(distance: number, length: number): boolean {
  return distance <= Math.max(2, Math.floor(length / 3))
}

/** The candidate closest to `name` when it looks like a typo of it, else undefined. */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: {candidate?: string; distance: number} = {distance: Number.POSITIVE_INFINITY}
  for (const candidate of candidates) {
    const distance = levenshtein(name, candidate)
    if (distance < best.distance) best = {candidate, distance}
  }

  return isTypoDistance(best.distance, name.length) ? best.candidate : undefined
}
