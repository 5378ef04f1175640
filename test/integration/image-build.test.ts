import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readEnvironment} from '../env/environment.js'
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
import {ROOT, runCli} from './helpers/run-cli.js'

const docker = engine()
const FIXTURES = join(ROOT, 'test', 'fixtures', 'build')

describe('occ image build', function () {
  this.timeout(120_000)
  let home: ImageHome
  let env: Record<string, string>

  useFreshImageHome(docker, async (created) => {
    home = created
    env = home.envFor([repository('primary')], {OCC_UPDATE_CHECK: 'never'})
  })

  it('builds a Dockerfile with the version and source labels, tags it current and records a build', async () => {
    const pulled = await runCli(['image:pull', '--tag', '25.0.0'], {env})
    expect(pulled.code, pulled.stderr).to.equal(0)

    const result = await runCli(['image:build', '--file', join(FIXTURES, 'ok', 'Dockerfile'), '--json'], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr, '--json prints no progress').to.equal('')
    const record = JSON.parse(result.stdout) as Record<string, unknown>
    expect(record).to.deep.equal(JSON.parse(home.stateText() ?? '{}'))

    const image = await docker.getImage(CURRENT).inspect()
    expect(image.Config.Labels).to.include({
      'org.opencode-cloud.source': 'build',
      'org.opencode-cloud.test.fixture': 'build-ok',
      'org.opencode-cloud.version': '25.1.3',
    })
    expect(record).to.include({image_id: image.Id, source: 'build', version: '25.1.3'})
    expect(record).to.not.have.any.keys('registry', 'digest')
    expect(new Date(record.acquired_at as string).toISOString()).to.equal(record.acquired_at)
    expect(await imageId(docker, PREVIOUS)).to.equal(seed('primary', '25.0.0').configDigest)
    expect(record.previous).to.include({
      image_id: seed('primary', '25.0.0').configDigest,
      source: 'prebuilt',
      version: '25.0.0',
    })
  })

  it('shows plain progress lines without a terminal', async () => {
    const result = await runCli(['image:build', '--context', join(FIXTURES, 'ok')], {env})
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr)
      .to.include('Building the sandbox image from')
      .and.include('Step 2/6 : COPY app/ /opt/sandbox/\n')
    expect(result.stdout).to.match(
      /^Built v25\.1\.3 from source \(sha256:[0-9a-f]{12}…\); it is now opencode-cloud-sandbox:current\.$/m,
    )
  })

  it('fails with the failing step and the log tail, leaving record and tags as they were', async () => {
    expect((await runCli(['image:pull', '--tag', '25.0.0'], {env})).code).to.equal(0)
    expect((await runCli(['image:build', '--context', join(FIXTURES, 'ok')], {env})).code).to.equal(0)
    const before = home.stateText()
    const [current, previous] = [await imageId(docker, CURRENT), await imageId(docker, PREVIOUS)]

    const result = await runCli(['image:build', '--context', join(FIXTURES, 'broken')], {env})
    expect(result.code).to.equal(9)
    expect(result.stderr).to.include(
      'Error: The image build failed at step 3/6 (COPY missing.txt /missing.txt): COPY failed:',
    )
    expect(result.stderr).to.include(
      'Last lines of the build log:\n  | Step 1/6 : FROM scratch\n' +
        '  | Step 2/6 : COPY present.txt /present.txt\n  | Step 3/6 : COPY missing.txt /missing.txt',
    )
    expect(result.stderr).to.include('the current image and its record were not changed')
    expect(result.stderr).to.not.match(/\n\s+at /)
    expect(home.stateText()).to.equal(before)
    expect(await imageId(docker, CURRENT)).to.equal(current)
    expect(await imageId(docker, PREVIOUS)).to.equal(previous)

    const json = await runCli(['image:build', '--context', join(FIXTURES, 'broken'), '--json'], {env})
    expect(json.code).to.equal(9)
    const {error} = JSON.parse(json.stdout) as {
      error: {code: string; details: {step: {number: number}; tail: string[]}}
    }
    expect(error.code).to.equal('build_failed')
    expect(error.details.step.number).to.equal(3)
  })

  it('advises checking the network, not the Dockerfile, when a step cannot resolve a host', async () => {
    const base = readEnvironment().sandboxes[0].reference
    const result = await runCli(
      ['image:build', '--context', join(FIXTURES, 'offline'), '--build-arg', `BASE=${base}`],
      {env},
    )
    expect(result.code, result.stderr).to.equal(9)
    expect(result.stderr)
      .to.include('Error: The image build failed at step 3/6 (RUN')
      .and.include("wget: bad address 'occ-test-host.invalid'")
    expect(result.stderr)
      .to.include('The failing step could not reach a host: check the network, DNS and proxy')
      .and.not.include('Fix the Dockerfile')
    expect(home.stateText()).to.equal(undefined)
  })

  it('stops on Ctrl-C with exit 130, changing nothing and leaving no lock', async () => {
    expect((await runCli(['image:pull', '--tag', '25.0.0'], {env})).code).to.equal(0)
    const before = home.stateText()
    // A context big enough that sending it takes seconds.
    const context = mkdtempSync(join(tmpdir(), 'occ-big-context-'))
    try {
      for (let part = 0; part < 6; part++) writeFileSync(join(context, `blob-${part}`), randomBytes(50 * 1024 * 1024))
      writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY . /data/\n')
      const run = startCli(['image:build', '--context', context], env)
      await run.waitForStderr(/Building the sandbox image/)
      await new Promise((resolve) => setTimeout(resolve, 300))
      run.child.kill('SIGINT')
      const result = await run.done
      expect(result.code, result.stderr).to.equal(130)
      expect(result.stderr).to.include('Interrupted: the build was stopped before it finished; nothing was changed.')
    } finally {
      rmSync(context, {force: true, recursive: true})
    }

    expect(home.stateText()).to.equal(before)
    expect(await imageId(docker, CURRENT)).to.equal(seed('primary', '25.0.0').configDigest)
    expect(existsSync(`${home.stateFile}.lock`), 'lock released').to.equal(false)
  })

  it('refuses a FIFO in the context with a clear message, unless .dockerignore leaves it out', async () => {
    const context = mkdtempSync(join(tmpdir(), 'occ-fifo-context-'))
    try {
      cpSync(join(FIXTURES, 'ok'), context, {recursive: true})
      execFileSync('mkfifo', [join(context, 'app', 'pipe')])
      const refused = await runCli(['image:build', '--context', context], {env})
      expect(refused.code, refused.stderr).to.equal(2)
      expect(refused.stderr).to.include(
        `Error: The build context ${context} holds app/pipe (a FIFO): ` +
          'only files, directories and symlinks can be sent to the engine.',
      )
      expect(refused.stderr)
        .to.include('.dockerignore')
        .and.not.match(/\n\s+at /)
      expect(home.stateText()).to.equal(undefined)

      writeFileSync(join(context, '.dockerignore'), 'app/pipe\n')
      const built = await runCli(['image:build', '--context', context], {env})
      expect(built.code, built.stderr).to.equal(0)
    } finally {
      rmSync(context, {force: true, recursive: true})
    }
  })

  it('names the fix for a context without Dockerfile', async () => {
    const result = await runCli(['image:build', '--context', FIXTURES], {env})
    expect(result.code).to.equal(2)
    expect(result.stderr)
      .to.include(`There is no Dockerfile at ${join(FIXTURES, 'Dockerfile')}`)
      .and.include('--file FILE')
  })
})
