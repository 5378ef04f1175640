import {expect} from 'chai'
import {existsSync} from 'node:fs'

import {
  CURRENT,
  engine,
  imageId,
  type ImageHome,
  PREVIOUS,
  repository,
  seed,
  startCli,
  useFreshImageHome,
} from './helpers/occ-image.js'
import {PACKAGE, runCli} from './helpers/run-cli.js'

const docker = engine()

describe('occ image pull', function () {
  this.timeout(120_000)
  let home: ImageHome

  useFreshImageHome(docker, (created) => {
    home = created
  })

  it('pulls the wanted version from the first repository and records its provenance', async () => {
    const primary = repository('primary')
    const served = seed('primary', PACKAGE.opencodeCloud.sandboxVersion)
    const result = await runCli(['image:pull'], {env: home.envFor([primary, repository('mirror')])})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.include(`Pulling sandbox image ${PACKAGE.opencodeCloud.sandboxVersion} from ${primary}`)
    expect(result.stdout).to.include(`Pulled v25.1.3 from ${primary.split('/')[0]}`)

    const record = JSON.parse(home.stateText() ?? '{}') as Record<string, string>
    expect(record).to.include({
      cli_version: PACKAGE.version,
      digest: served.digest,
      image: served.reference,
      image_id: served.configDigest,
      registry: primary.split('/')[0],
      source: 'prebuilt',
      version: '25.1.3',
    })
    expect(new Date(record.acquired_at).toISOString()).to.equal(record.acquired_at)
    expect(await imageId(docker, CURRENT)).to.equal(served.configDigest)
    const inspected = await docker.getImage(CURRENT).inspect()
    expect(inspected.RepoDigests).to.include(`${primary}@${served.digest}`)
  })

  it("keeps the original tool's four fields with their names and meanings", async () => {
    const result = await runCli(['image:pull'], {env: home.envFor([repository('primary')])})
    expect(result.code, result.stderr).to.equal(0)
    const record = JSON.parse(home.stateText() ?? '{}') as Record<string, unknown>
    expect(record.version).to.equal('25.1.3')
    expect(record.source).to.equal('prebuilt')
    expect(record.registry).to.equal(repository('primary').split('/')[0])
    expect(record.acquired_at)
      .to.be.a('string')
      .and.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('falls back to the second repository when the first is down, recording the one that served', async () => {
    const mirror = repository('mirror')
    const result = await runCli(['image:pull', '--json'], {env: home.envFor([repository('dead'), mirror])})
    expect(result.code, result.stderr).to.equal(0)
    const printed = JSON.parse(result.stdout) as Record<string, string>
    expect(printed).to.deep.equal(JSON.parse(home.stateText() ?? '{}'))
    const served = seed('mirror', '25.1.3')
    expect(printed.registry).to.equal(mirror.split('/')[0])
    expect(printed.image_id).to.equal(served.configDigest)
    expect(printed.image_id).to.not.equal(seed('primary', '25.1.3').configDigest)
    expect(await imageId(docker, CURRENT)).to.equal(served.configDigest)
    expect(result.stderr, '--json prints no progress').to.equal('')
  })

  it('serves a tag only the second repository has', async () => {
    const result = await runCli(['image:pull', '--tag', 'mirror-only', '--json'], {
      env: home.envFor([repository('primary'), repository('mirror')]),
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.include({
      image_id: seed('mirror', 'mirror-only').configDigest,
      version: '1.2.0',
    })
  })

  it('fails fast, without retrying, naming the tag when no repository has it', async () => {
    const started = Date.now()
    const result = await runCli(['image:pull', '--tag', 'nowhere'], {
      env: home.envFor([repository('primary'), repository('mirror')], {OCC_RETRY_BASE_MS: '3000'}),
    })
    expect(Date.now() - started).to.be.below(3000)
    expect(result.code).to.equal(6)
    expect(result.stderr).to.include(
      'Error: The sandbox image tag "nowhere" exists in none of the configured repositories',
    )
    expect(result.stderr).to.include(`${repository('primary')}: tag not found (`)
    expect(result.stderr).to.include(`${repository('mirror')}: tag not found (`)
    expect(result.stderr).to.not.include('retrying')
    expect(result.stderr).to.include('occ image build')
    expect(home.stateText()).to.equal(undefined)
  })

  it('gives up in bounded time when every repository is down, leaving the record alone', async () => {
    const first = await runCli(['image:pull', '--tag', '25.0.0'], {env: home.envFor([repository('primary')])})
    expect(first.code, first.stderr).to.equal(0)
    const before = home.stateText()

    const started = Date.now()
    const down = [repository('dead'), `127.0.0.1:1/${'prizz/opencode-cloud-sandbox'}`]
    const result = await runCli(['image:pull', '--json'], {env: home.envFor(down, {OCC_RETRY_BASE_MS: '100'})})
    expect(Date.now() - started).to.be.below(15_000)
    expect(result.code).to.equal(5)
    const {error} = JSON.parse(result.stdout) as {
      error: {
        code: string
        details: {failures: {attempts: number; kind: string; repository: string}[]}
        message: string
        suggestion: string
      }
    }
    expect(error.code).to.equal('registry_unavailable')
    expect(error.details.failures.map((failure) => [failure.repository, failure.kind, failure.attempts])).to.deep.equal(
      down.map((name) => [name, 'unavailable', 3]),
    )
    expect(error.message).to.include(down[0]).and.include(down[1])
    expect(error.suggestion).to.include('occ image build')
    expect(home.stateText()).to.equal(before)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.0.0').configDigest)
  })

  it('keeps the replaced image as previous', async () => {
    const env = home.envFor([repository('primary')])
    expect((await runCli(['image:pull', '--tag', '25.0.0'], {env})).code).to.equal(0)
    const result = await runCli(['image:pull'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.include(`is kept as ${PREVIOUS}`)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.1.3').configDigest)
    expect(await imageId(docker, PREVIOUS)).to.equal(seed('primary', '25.0.0').configDigest)
  })

  it('stops on Ctrl-C mid-pull with exit 130, changing nothing; the next pull works', async () => {
    const env = home.envFor([repository('primary')])
    expect((await runCli(['image:pull', '--tag', '25.0.0'], {env})).code).to.equal(0)
    const before = home.stateText()

    const run = startCli(['image:pull', '--tag', 'big'], env)
    await run.waitForStderr(/: Downloading/)
    run.child.kill('SIGINT')
    const result = await run.done
    expect(result.code, result.stderr).to.equal(130)
    expect(result.stderr).to.include('Interrupted: the pull of')
    expect(result.stderr).to.not.match(/\n\s+at /)
    expect(home.stateText()).to.equal(before)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.0.0').configDigest)
    expect(await imageId(docker, PREVIOUS)).to.equal(undefined)
    expect(existsSync(`${home.stateFile}.lock`), 'lock released').to.equal(false)

    const again = await runCli(['image:pull', '--tag', 'big', '--json'], {env})
    expect(again.code, again.stderr).to.equal(0)
    expect(JSON.parse(again.stdout)).to.include({image_id: seed('primary', 'big').configDigest})
  })

  it('serializes two concurrent pulls; the record matches the engine', async () => {
    const env = home.envFor([repository('primary')])
    const one = startCli(['image:pull', '--tag', 'big'], env)
    await one.waitForStderr(/Pulling sandbox image/)
    const two = startCli(['image:pull', '--tag', '25.0.0'], env)
    const [first, second] = await Promise.all([one.done, two.done])
    expect(first.code, first.stderr).to.equal(0)
    expect(second.code, second.stderr).to.equal(0)
    expect(second.stderr).to.include('Waiting for another occ command')
    const record = JSON.parse(home.stateText() ?? '{}') as {image_id: string; version: string}
    expect(record.image_id).to.equal(seed('primary', '25.0.0').configDigest)
    expect(await imageId(docker, CURRENT)).to.equal(record.image_id)
    expect(await imageId(docker, PREVIOUS)).to.equal(seed('primary', 'big').configDigest)
    expect(existsSync(`${home.stateFile}.lock`)).to.equal(false)
  })

  it('still pulls when the config prefers building, and says so', async () => {
    const result = await runCli(['image:pull'], {
      env: home.envFor([repository('primary')], {OCC_IMAGE_SOURCE: 'build'}),
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.include('prefers building the image (image_source: build)')
    expect(JSON.parse(home.stateText() ?? '{}')).to.include({source: 'prebuilt'})
  })

  it('prints plain progress lines without a terminal, and none with --quiet', async () => {
    const env = home.envFor([repository('primary')])
    const plain = await runCli(['image:pull'], {env})
    expect(plain.code, plain.stderr).to.equal(0)
    expect(plain.stderr).to.match(/^[0-9a-f]{12}: Pull complete \(/m)
    expect(plain.stderr, 'no terminal escapes').to.not.include('\u001B')
    const quiet = await runCli(['image:pull', '--quiet'], {env})
    expect(quiet.code).to.equal(0)
    expect(quiet.stderr).to.equal('')
  })

  it('names the endpoint and the fix when the engine is unreachable', async () => {
    const result = await runCli(['image:pull'], {
      env: home.envFor([repository('primary')], {DOCKER_HOST: `unix://${home.dir}/no-engine.sock`}),
    })
    expect(result.code).to.equal(4)
    expect(result.stderr).to.equal(
      `Error: Cannot reach the Docker engine at unix://${home.dir}/no-engine.sock: no such socket.\n` +
        '  Start Docker (for example "sudo systemctl start docker"), or set DOCKER_HOST to a running engine.\n',
    )
  })

  it('refuses an invalid tag as a usage error', async () => {
    const result = await runCli(['image:pull', '--tag=bad/tag'], {env: home.envFor([repository('primary')])})
    expect(result.code).to.equal(2)
    expect(result.stderr).to.include('"bad/tag" is not a valid image tag')
  })
})
