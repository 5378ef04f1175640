/**
 * Ctrl-C and SIGTERM at random (seeded) moments of config:set, image:pull, image:build and
 * image:update: whatever the moment, every file parses and no lock is left behind.
 */
import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {readEnvironment, REPOSITORY, WANTED_VERSION} from '../env/index.js'
import {engine, type ImageHome, makeImageHome, removeSandboxImages, startCli} from '../integration/helpers/occ-image.js'
import {count, leftovers, recordFile, SEED, seededRandom, STACK_TRACE} from './suite.js'

const BUILD_CONTEXT = fileURLToPath(new URL('../fixtures/build/ok/', import.meta.url))

interface Scenario {
  name: string
  args: (run: number) => string[]
  /** Latest moment to signal, in ms after the start. */
  withinMs: number
  runs: number
}

const SCENARIOS: Scenario[] = [
  {args: (run) => ['config:set', 'opencode_web_port', String(4000 + run)], name: 'config:set', runs: 10, withinMs: 600},
  {args: () => ['image:pull', '--tag', WANTED_VERSION], name: 'image:pull', runs: 6, withinMs: 2500},
  {args: () => ['image:build', '--context', BUILD_CONTEXT], name: 'image:build', runs: 4, withinMs: 2500},
  {args: () => ['image:update', '--force'], name: 'image:update', runs: 4, withinMs: 2500},
]

describe('faults: interrupted at random moments', function () {
  this.timeout(300_000)
  const random = seededRandom(SEED + 6)
  let home: ImageHome

  before(async () => {
    await removeSandboxImages(engine())
  })

  beforeEach(() => {
    home = makeImageHome()
  })

  afterEach(() => home.remove())

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.runs} runs, SIGINT or SIGTERM, each at a seeded random moment`, async function () {
      const repository = `${readEnvironment().registries.primary}/${REPOSITORY}`
      const env = home.envFor([repository], {OCC_UPDATE_CHECK: 'never'})
      const moments: string[] = []
      for (let run = 0; run < scenario.runs; run++) {
        const signal = random() < 0.5 ? 'SIGINT' : 'SIGTERM'
        const delayMs = Math.floor(random() * scenario.withinMs)
        moments.push(`${signal}@${delayMs}ms`)
        count({faults: 1, runs: 1})
        const cli = startCli(scenario.args(run), env)
        const timer = setTimeout(() => cli.child.kill(signal), delayMs)
        const result = await cli.done
        clearTimeout(timer)
        const how = `${scenario.name} run ${run}, ${signal} at ${delayMs} ms (seed ${SEED})`
        // Done before the signal (0), interrupted (130 for SIGINT, 143 for SIGTERM), or killed before
        // occ handles signals.
        expect(
          result.code === 0 || result.code === (signal === 'SIGTERM' ? 143 : 130) || cli.child.signalCode === signal,
          `${how}: exit ${result.code}\n${result.stderr}`,
        ).to.equal(true)
        expect(result.stderr, how).not.to.match(STACK_TRACE)
        const config = join(home.configDir, 'config.json')
        if (existsSync(config))
          expect(() => JSON.parse(readFileSync(config, 'utf8')), `${how}: config.json parses`).not.to.throw()
        const record = recordFile(home)
        if (existsSync(record))
          expect(() => JSON.parse(readFileSync(record, 'utf8')), `${how}: the record parses`).not.to.throw()
        expect([...leftovers(home.configDir), ...leftovers(dirname(record))], how).to.deep.equal([])
      }

      console.log(`      signalled at: ${moments.join(', ')}`)
    })
  }
})
