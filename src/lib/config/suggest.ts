import {aliasesOf, CONFIG_KEYS, type ConfigKey} from './schema.js'

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

/** The known key whose name or alias is closest to `name`. */
export function closestKey(name: string): ConfigKey {
  const wanted = name.toLowerCase()
  let best: {key: ConfigKey; distance: number} = {key: CONFIG_KEYS[0], distance: Number.POSITIVE_INFINITY}
  for (const key of CONFIG_KEYS) {
    for (const candidate of [key, ...aliasesOf(key)]) {
      const distance = levenshtein(wanted, candidate)
      if (distance < best.distance) best = {key, distance}
    }
  }

  return best.key
}
