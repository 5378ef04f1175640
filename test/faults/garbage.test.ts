/**
 * Garbage in: occ meets hundreds of malformed config.json and image-state.json files. Whatever
 * the file, it prints a clear message (never a stack trace), exits with a code from the table,
 * and never rewrites a file it could not use.
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'

import {readEnvironment} from '../env/index.js'
import {type CliResult, makeCliHome, runCli} from '../integration/helpers/run-cli.js'
import {garbageConfigs, type GarbageFile, garbageStates} from './garbage.js'
import {count, pool, recordFile, SEED, seededRandom, STACK_TRACE} from './suite.js'

/** Runs at once: the machine may have 2 cores, and each run is a whole node process. */
const CONCURRENCY = 4

interface Outcome {
  file: string
  command: string
  result: CliResult
  /** The file's bytes are what was written before the command (in place, or moved aside as `<file>.corrupt-<time>`). */
  unchanged: boolean
}

/** Copies an unreadable record was moved aside to, so the user can still look at it. */
function movedAside(file: string): string[] {
  return readdirSync(dirname(file))
    .filter((name) => name.startsWith(`${basename(file)}.corrupt-`))
    .map((name) => join(dirname(file), name))
}

/** Whether `bytes` are still there: in the file, or in the one copy it was moved aside to. */
function preserved(file: string, bytes: Buffer): boolean {
  if (existsSync(file)) return readFileSync(file).equals(bytes)
  const aside = movedAside(file)
  return aside.length === 1 && readFileSync(aside[0]).equals(bytes)
}

/** What is wrong with one outcome, or nothing. */
function problems(outcome: Outcome, allowed: number[], changedOnlyOnSuccess: boolean): string[] {
  const {result} = outcome
  const found: string[] = []
  const output = `${result.stdout}\n${result.stderr}`
  if (result.code === null || !allowed.includes(result.code))
    found.push(`exit code ${result.code}, not one of ${allowed.join(', ')}`)
  if (STACK_TRACE.test(output)) found.push('a stack trace in the output')
  if (result.code !== 0 && !/^Error: .{10,}/m.test(result.stderr) && !result.stdout.includes('"error"'))
    found.push('no clear error message')
  if (!outcome.unchanged && (!changedOnlyOnSuccess || result.code !== 0)) found.push('the file was rewritten')
  return found.length === 0
    ? []
    : [`${outcome.command} on ${outcome.file}: ${found.join('; ')}\n    stderr: ${result.stderr.slice(0, 300).trim()}`]
}

describe('faults: garbage config.json and image-state.json files', function () {
  this.timeout(240_000)
  const random = seededRandom(SEED)

  /** Writes each file into a home of its own, runs `args`, and checks the file is unchanged. */
  async function tryEach(
    files: GarbageFile[],
    place: (home: ReturnType<typeof makeCliHome>) => string,
    commands: {args: string[]; env?: Record<string, string>}[],
  ): Promise<Outcome[]> {
    count({files: files.length})
    const outcomes = await pool(files, CONCURRENCY, async (garbage) => {
      const home = makeCliHome()
      try {
        const target = place(home)
        mkdirSync(dirname(target), {recursive: true})
        const results: Outcome[] = []
        for (const {args, env = {}} of commands) {
          for (const aside of movedAside(target)) rmSync(aside)
          writeFileSync(target, garbage.bytes)
          count({runs: 1})
          const result = await runCli(args, {env: {...home.env, ...env}, timeoutMs: 60_000})
          const unchanged = preserved(target, garbage.bytes)
          if (!unchanged && result.code !== 0) count({lost: 1})
          results.push({command: `occ ${args.join(' ')}`, file: garbage.name, result, unchanged})
        }

        return results
      } finally {
        home.remove()
      }
    })
    return outcomes.flat()
  }

  it("config.json: get/set answer clearly with the table's codes, and never rewrite a refused file", async function () {
    const files = garbageConfigs(random)
    expect(files.length).to.be.at.least(100)
    const outcomes = await tryEach(files, (home) => join(home.configDir, 'config.json'), [
      {args: ['config:get', 'image_source']},
      {args: ['config:set', 'bind_address', '127.0.0.2']},
    ])
    const found = outcomes.flatMap((outcome) => problems(outcome, [0, 3], outcome.command.includes('config:set')))
    expect(found, found.join('\n')).to.deep.equal([])
    // A refused file is reported as the config's fault, naming the file.
    const refused = outcomes.filter((outcome) => outcome.result.code === 3)
    expect(refused.length).to.be.at.least(files.length / 2)
    for (const outcome of refused) expect(outcome.result.stderr, outcome.file).to.include('config.json')
  })

  it("image-state.json: image:state --json answers JSON with the table's codes, never rewriting it", async function () {
    const files = garbageStates(random)
    expect(files.length).to.be.at.least(100)
    const env = {DOCKER_HOST: readEnvironment().dockerHost, OCC_UPDATE_CHECK: 'never'}
    const outcomes = await tryEach(files, (home) => recordFile(home), [{args: ['image:state', '--json'], env}])
    const found = outcomes.flatMap((outcome) => {
      const listed = problems(outcome, [0, 8], false)
      try {
        JSON.parse(outcome.result.stdout)
      } catch {
        listed.push(`${outcome.command} on ${outcome.file}: stdout is not JSON: ${outcome.result.stdout.slice(0, 200)}`)
      }

      return listed
    })
    expect(found, found.join('\n')).to.deep.equal([])
  })
})
