import {expect} from 'chai'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Readable} from 'node:stream'

import type {BuildRequest} from '../../../src/lib/docker/engine.js'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'
import {InterruptedError} from '../../../src/lib/errors.js'
import {
  BuildFailedError,
  buildOnce,
  listContextFiles,
  parseBuildArgs,
  resolveBuildSource,
} from '../../../src/lib/image/build.js'
import {FakeEngine, jsonLines, type StreamAnswer} from '../helpers/fake-engine.js'
import {useTempDir} from '../helpers/temp-dir.js'

const request: BuildRequest = {
  buildArgs: {},
  context: '/c',
  dockerfile: 'Dockerfile',
  files: ['Dockerfile'],
  labels: {},
  noCache: false,
}
const engineAnswering = (answer: StreamAnswer): FakeEngine => new FakeEngine().scriptBuild(answer)
const stream = jsonLines
const signal = () => new AbortController().signal

describe('buildOnce', () => {
  it("returns the built image's id", async () => {
    expect(
      await buildOnce(
        engineAnswering(
          stream(
            {stream: 'Step 1/1 : FROM scratch\n'},
            {aux: {ID: 'sha256:id'}},
            {stream: 'Successfully built 0123456789ab\n'},
          ),
        ),
        request,
        signal(),
      ),
    ).to.equal('sha256:id')
  })

  it('fails on an error event with the failing step and the tail of the log', async () => {
    const events = [
      {stream: 'Step 1/2 : FROM scratch\n'},
      ...Array.from({length: 20}, (_, index) => ({stream: `line ${index}\n`})),
      {stream: 'Step 2/2 : COPY missing /m\n'},
      {error: 'x', errorDetail: {message: 'COPY failed: file not found'}},
    ]
    const error = await buildOnce(engineAnswering(stream(...events)), request, signal()).catch(
      (caught: unknown) => caught,
    )
    expect(error).to.be.instanceOf(BuildFailedError)
    const failed = error as BuildFailedError
    expect(failed.exitCode).to.equal(9)
    expect(failed.message).to.match(
      new RegExp(
        /^The image build failed at step 2\/2 \(COPY missing \/m\): COPY failed: file not found\n/.source +
          /Last lines of the build log:\n/.source,
      ),
    )
    expect(failed.message).to.include('  | line 19\n  | Step 2/2 : COPY missing /m')
    expect(failed.message).to.not.include('line 5\n')
    expect(failed.details).to.deep.include({
      reason: 'COPY failed: file not found',
      step: {instruction: 'COPY missing /m', number: 2, total: 2},
    })
  })

  it('advises checking the network only if the failing step says a host or the network was out of reach', async () => {
    const failing = (
      output: string[],
      error = "The command '/bin/sh -c fetch' returned a non-zero code: 1",
      before: string[] = [],
    ) =>
      buildOnce(
        engineAnswering(
          stream(...[...before, 'Step 2/2 : RUN fetch', ...output].map((line) => ({stream: `${line}\n`})), {
            error,
            errorDetail: {message: error},
          }),
        ),
        request,
        signal(),
      ).then(
        () => expect.fail('the build succeeded'),
        (caught: unknown) => caught as BuildFailedError,
      )
    const network = [
      await failing(["\u001B[91mwget: bad address 'example.invalid'"]),
      await failing([
        'Err:1 http://deb.debian.org/debian bookworm InRelease',
        "  Temporary failure resolving 'deb.debian.org'",
        'E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease',
      ]),
      await failing(['curl: (6) Could not resolve host: example.invalid']),
      await failing(['ssh: connect to host example.com port 22: Network is unreachable']),
      await failing(['getaddrinfo: Temporary failure in name resolution']),
      await failing([], 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'),
    ]
    for (const failed of network) {
      expect(failed.details).to.include({failure: 'network'})
      expect(failed.suggestion).to.match(
        /^The failing step could not reach a host: check the network, DNS and proxy .*--build-arg HTTP_PROXY=URL/,
      )
      expect(failed.suggestion).to.not.include('Fix the Dockerfile')
    }

    // Words from an earlier step that went on to succeed say nothing about the one that failed.
    const other = [
      await failing(['sh: fetch: not found']),
      await failing(['ok'], 'x', ['Step 1/2 : RUN apt-get update', 'W: Failed to fetch http://mirror/x']),
    ]
    for (const failed of other) {
      expect(failed.details).to.include({failure: 'dockerfile'})
      expect(failed.suggestion).to.equal(
        'Fix the Dockerfile or its context and build again; the current image and its record were not changed.',
      )
    }
  })

  it('turns a Dockerfile the engine refuses into a build failure, and a stream without image too', async () => {
    const refused = await buildOnce(
      engineAnswering(
        new EngineRequestError(
          new FakeEngine().label,
          400,
          'dockerfile parse error line 2: unknown instruction: BOGUS',
        ),
      ),
      request,
      signal(),
    ).catch((caught: unknown) => caught)
    expect((refused as BuildFailedError).message).to.equal(
      'The image build failed: dockerfile parse error line 2: unknown instruction: BOGUS',
    )
    const nameless = await buildOnce(
      engineAnswering(stream({stream: 'Step 1/1 : FROM scratch\n'})),
      request,
      signal(),
    ).catch((caught: unknown) => caught)
    expect(nameless).to.be.instanceOf(BuildFailedError)
  })

  it('stops with InterruptedError when aborted mid-build', async () => {
    const controller = new AbortController()
    const endless = () =>
      new Readable({
        read() {
          this.push(`${JSON.stringify({stream: 'working\n'})}\n`)
          controller.abort()
        },
      })
    const error = await buildOnce(engineAnswering(endless), request, controller.signal).catch(
      (caught: unknown) => caught,
    )
    expect(error).to.be.instanceOf(InterruptedError)
  })
})

describe('build sources', () => {
  let dir: string
  const temp = useTempDir('occ-build-')
  beforeEach(async () => {
    dir = temp.path
    await mkdir(join(dir, 'ctx', 'sub', 'empty'), {recursive: true})
    await writeFile(join(dir, 'ctx', 'Dockerfile'), 'FROM scratch\n')
    await writeFile(join(dir, 'ctx', 'sub', 'a.txt'), 'a')
    await writeFile(join(dir, 'outside.Dockerfile'), 'FROM scratch\n')
  })

  it('lists the files of a context, not its directories', async () => {
    expect(await listContextFiles(join(dir, 'ctx'))).to.deep.equal(['Dockerfile', 'sub/a.txt'])
  })

  it('resolves --context and --file, each defaulting from the other', async () => {
    const context = join(dir, 'ctx')
    expect(await resolveBuildSource({context})).to.deep.equal({context, dockerfile: join(context, 'Dockerfile')})
    expect(await resolveBuildSource({file: 'ctx/Dockerfile'}, dir)).to.deep.equal({
      context,
      dockerfile: join(context, 'Dockerfile'),
    })
    expect((await resolveBuildSource({})).dockerfile).to.match(/docker\/Dockerfile$/)
  })

  it('refuses a missing context or Dockerfile, and a Dockerfile outside the context', async () => {
    const problem = (options: {context?: string; file?: string}) =>
      resolveBuildSource(options, dir).then(
        () => '',
        (error: Error) => error.message,
      )
    expect(await problem({context: 'nowhere'})).to.include('is not a directory')
    expect(await problem({context: 'ctx/sub'})).to.include('There is no Dockerfile at')
    expect(await problem({context: 'ctx', file: 'outside.Dockerfile'})).to.include('is outside the build context')
  })

  it('reads --build-arg KEY=VALUE and KEY from the environment', () => {
    expect(parseBuildArgs(['A=1', 'B=x=y', 'C', 'D'], {C: 'from-env'})).to.deep.equal({A: '1', B: 'x=y', C: 'from-env'})
    expect(() => parseBuildArgs(['=1'])).to.throw('"=1" is not a build argument.')
  })
})
