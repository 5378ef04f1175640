/**
 * The engine dies mid-pull (the test engine's dockerd gets SIGKILL): occ says so clearly with
 * the engine's exit code and leaves the record as it was; once the engine is back, the next
 * pull works. The environment is restarted here and left healthy for the files after this one.
 */
import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'

import {
  applyToProcessEnv,
  pushImage,
  readEnvironment,
  REPOSITORY,
  startEnvironment,
  WANTED_VERSION,
} from '../env/index.js'
import {
  engine,
  type ImageHome,
  makeImageHome,
  removeSandboxImages,
  seed,
  startCli,
} from '../integration/helpers/occ-image.js'
import {runCli} from '../integration/helpers/run-cli.js'
import {FaultProxy} from './proxy.js'
import {count, leftovers, readRecordOf, recordFile, STACK_TRACE} from './suite.js'

describe('faults: the engine killed mid-pull', function () {
  this.timeout(240_000)
  let home: ImageHome
  let proxy: FaultProxy | undefined

  before(() => {
    home = makeImageHome()
  })

  after(async () => {
    await proxy?.close()
    home.remove()
  })

  it('fails with a clear engine error, the record untouched; after an engine restart a pull works', async function () {
    const primary = () => `${readEnvironment().registries.primary}/${REPOSITORY}`
    const pull = (tag: string, repositories: string[]) => {
      count({runs: 1})
      return startCli(['image:pull', '--tag', tag], home.envFor(repositories, {OCC_UPDATE_CHECK: 'never'}))
    }

    await removeSandboxImages(engine())
    const first = await pull(WANTED_VERSION, [primary()]).done
    expect(first.code, first.stderr).to.equal(0)
    const file = recordFile(home)
    const before = readFileSync(file)

    // A slow link keeps the pull running long enough to kill the engine in the middle of it.
    const tag = `faults-kill-${process.pid}-${Date.now().toString(36)}`
    await pushImage('primary', REPOSITORY, tag, {
      layerBytes: 4 * 2 ** 20,
      layers: 4,
      seed: tag,
      version: WANTED_VERSION,
    })
    proxy = await FaultProxy.start({target: readEnvironment().registries.primary})
    await proxy.setMode({bytesPerSecond: 2 * 2 ** 20, kind: 'throttle'})
    const running = pull(tag, [`${proxy.address}/${REPOSITORY}`])
    await running.waitForStderr(/Downloading/, 60_000)
    const dockerd = readEnvironment().pids.dockerd
    expect(dockerd, 'env.json records the engine pid').to.be.a('number')
    process.kill(dockerd!, 'SIGKILL')
    count({faults: 1})
    const killed = await running.done
    expect(killed.code, killed.stderr).to.equal(4)
    expect(killed.stderr).to.match(/Docker engine/)
    expect(killed.stderr).not.to.match(STACK_TRACE)
    expect(readFileSync(file).equals(before), 'the record is untouched').to.equal(true)
    expect(leftovers(file.slice(0, file.lastIndexOf('/')))).to.deep.equal([])
    await proxy.close()
    proxy = undefined

    // Bring the environment back as it was (who owns it decides whether the run's end stops it).
    const {env} = await startEnvironment(undefined, {lease: readEnvironment().owner === 'tests'})
    applyToProcessEnv(env)
    count({runs: 1})
    const unreachable = await runCli(['image:state', '--json'], {
      env: home.envFor([primary()], {OCC_UPDATE_CHECK: 'never'}),
    })
    expect(unreachable.code, unreachable.stderr).to.equal(0)
    const again = await pull(WANTED_VERSION, [primary()]).done
    expect(again.code, again.stderr).to.equal(0)
    expect(readRecordOf(home)).to.include({
      image_id: seed('primary', WANTED_VERSION).configDigest,
      registry: env.registries.primary,
    })
    expect(existsSync(file)).to.equal(true)
  })
})
