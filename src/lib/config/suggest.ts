import {aliasesOf, allKeys, CONFIG_KEYS, type KeyName} from './schema.js'

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

function nearest(name: string): {key: KeyName; distance: number} {
  const wanted = name.toLowerCase()
  let best: {key: KeyName; distance: number} = {key: CONFIG_KEYS[0], distance: Number.POSITIVE_INFINITY}
  for (const key of allKeys()) {
    for (const candidate of [key, ...aliasesOf(key)]) {
      const distance = levenshtein(wanted, candidate)
      if (distance < best.distance) best = {key, distance}
    }
  }

  return best
}

/** The known key (occ's or an installed plugin's) when `name` looks like a typo of its name or alias (two letters, or a third of them, differ), else undefined. */
export function typoOf(name: string): KeyName | undefined {
  const {distance, key} = nearest(name)
  return distance <= Math.max(2, Math.floor(name.length / 3)) ? key : undefined
}
