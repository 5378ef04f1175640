import {isTypoDistance, levenshtein} from '../did-you-mean.js'
import {aliasesOf, allKeys} from './known-keys.js'
import {CONFIG_KEYS, type KeyName} from './schema.js'

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

/**
 * The known key (occ's or an installed plugin's) when `name` looks like a typo of its name or alias
 * (two letters, or a third of them, differ), else undefined.
 */
export function typoOf(name: string): KeyName | undefined {
  const {distance, key} = nearest(name)
  return isTypoDistance(distance, name.length) ? key : undefined
}
