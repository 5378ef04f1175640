/**
 * What the fault suite's files share: the tally of what it did, summed over its files and
 * printed as one line when the whole mocha run ends (a root-level hook): faults injected, CLI
 * runs, files tried, and data lost (always 0: a loss fails the test that saw it); a seeded
 * PRNG; a bounded pool; and where a CLI home keeps its image record.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'

import {imageStateFile} from '../../src/lib/image-record-path.js'
import {readEnvironment} from '../env/index.js'
import type {CliHome} from '../integration/helpers/run-cli.js'

export interface Tally {
  faults: number
  runs: number
  files: number
  /**
   * Hostile-registry modes tried (cross-origin redirects with challenges, malformed challenges,
   * escape sequences, floods).
   */
  hostile: number
  /** Wedged-engine cases tried (accepts connections, never answers). */
  wedged: number
  lost: number
}

/**
 * One tally and seed per mocha run, even when mocha loads this module twice (as CommonJS for one
 * spec, as ESM for another).
 */
const SHARED = Symbol.for('occ.faults.suite')
interface Shared {
  tally: Tally
  seed: number
  reporting: boolean
}
const scope = globalThis as typeof globalThis & {[SHARED]?: Shared}
const shared: Shared = (scope[SHARED] ??= {
  reporting: false,
  // OCC_FAULT_SEED replays a run; else the clock.
  seed: Number(process.env.OCC_FAULT_SEED) || Date.now() % 1_000_000,
  tally: {faults: 0, files: 0, hostile: 0, lost: 0, runs: 0, wedged: 0},
})

export const tally: Tally = shared.tally

/** The seed of this run: printed in the summary, and OCC_FAULT_SEED=N replays it. */
export const SEED = shared.seed

export function count(add: Partial<Tally>): void {
  for (const [key, value] of Object.entries(add) as [keyof Tally, number][]) tally[key] += value
}

/** A small seeded PRNG (mulberry32): the same seed gives the same faults, so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d_2b_79_f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Runs `task` over `items` with at most `limit` running at once; results in input order. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index], index)
    }
  }

  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}

/** The image record file occ keeps in `home` for the test engine. */
export function recordFile(home: CliHome): string {
  return imageStateFile({...home.env, DOCKER_HOST: readEnvironment().dockerHost})
}

/** The record occ wrote in `home` (parsed), or undefined when there is none. */
export function readRecordOf(home: CliHome): Record<string, unknown> | undefined {
  const file = recordFile(home)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined
}

/** Files that must never stay behind in `dir`: a held lock, a temp file of an atomic write. */
export function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => /\.lock$|\.tmp|~$/.test(name)) : []
}

/** A stack frame in CLI output: what a user must never see. */
export const STACK_TRACE = /^\s+at .+[(\s].*:\d+:\d+\)?$/m

if (!shared.reporting) {
  shared.reporting = true
  after(function () {
    console.log(
      `  fault suite (seed ${SEED}): ${tally.faults} faults injected, ${tally.runs} CLI runs, ` +
        `${tally.files} malformed files tried, ${tally.hostile} hostile-registry modes, ` +
        `${tally.wedged} wedged-engine cases, data lost: ${tally.lost}`,
    )
  })
}
