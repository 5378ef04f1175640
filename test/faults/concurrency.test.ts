/** A full queue: many occ processes at once on one config.json and one image record. */
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {readEnvironment, REPOSITORY, WANTED_VERSION} from '../env/index.js'
import {
  engine,
  imageId,
  type ImageHome,
  makeImageHome,
  removeSandboxImages,
  seed,
} from '../integration/helpers/occ-image.js'
import {runCli} from '../integration/helpers/run-cli.js'
import {count, leftovers, recordFile} from './suite.js'

/** Keys whose value can name the run that set it. */
const WRITERS: [string, (run: number) => string, (run: number) => unknown][] = [
  ['opencode_web_port', (run) => String(3100 + run), (run) => 3100 + run],
  ['restart_retries', (run) => String(run), (run) => run],
  ['restart_delay', (run) => String(run), (run) => run],
  ['rate_limit_attempts', (run) => String(run + 1), (run) => run + 1],
  ['cockpit_port', (run) => String(9100 + run), (run) => 9100 + run],
  ['bind', (run) => `host-${run}.local`, (run) => `host-${run}.local`],
  ['auth_username', (run) => `user-${run}`, (run) => `user-${run}`],
  ['users', (run) => `u${run}`, (run) => [`u${run}`]],
  ['container_env', (run) => `RUN=${run}`, (run) => [`RUN=${run}`]],
  ['image_repositories', (run) => `localhost:5000/sandbox-${run}`, (run) => [`localhost:5000/sandbox-${run}`]],
]

describe('faults: many occ processes at once', function () {
  this.timeout(180_000)
  let home: ImageHome

  beforeEach(() => {
    home = makeImageHome()
  })

  afterEach(() => home.remove())

  it("50 parallel config:set: every key has one of its writers' values; valid file, no lock left", async function () {
    const runs = Array.from({length: 50}, (_, run) => ({run, writer: WRITERS[run % WRITERS.length]}))
    count({runs: runs.length})
    const results = await Promise.all(
      runs.map(({run, writer: [key, value]}) =>
        runCli(['config:set', key, value(run)], {env: home.env, timeoutMs: 150_000}),
      ),
    )
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const file = JSON.parse(readFileSync(join(home.configDir, 'config.json'), 'utf8')) as Record<string, unknown>
    for (const [key, , stored] of WRITERS) {
      const written = runs.filter((entry) => entry.writer[0] === key).map((entry) => stored(entry.run))
      expect(written, `${key} kept one of the values written`).to.deep.include(file[key])
    }

    expect(readdirSync(home.configDir)).to.deep.equal(['config.json'])
  })

  it('5 parallel image:pull: all succeed, one after another, into one valid record, no lock left', async function () {
    await removeSandboxImages(engine())
    const repository = `${readEnvironment().registries.primary}/${REPOSITORY}`
    count({runs: 5})
    const results = await Promise.all(
      Array.from({length: 5}, () =>
        runCli(['image:pull', '--tag', WANTED_VERSION], {
          env: home.envFor([repository], {OCC_UPDATE_CHECK: 'never'}),
          timeoutMs: 150_000,
        }),
      ),
    )
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const file = recordFile(home)
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    expect(record).to.include({
      image_id: seed('primary', WANTED_VERSION).configDigest,
      registry: readEnvironment().registries.primary,
      source: 'prebuilt',
    })
    expect(await imageId(engine(), 'opencode-cloud-sandbox:current')).to.equal(record.image_id)
    expect(leftovers(dirname(file))).to.deep.equal([])
  })
})
