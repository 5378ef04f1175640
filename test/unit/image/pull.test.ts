import {expect} from 'chai'
import {PassThrough} from 'node:stream'

import type {EngineEndpoint} from '../../../src/lib/docker/endpoint.js'

import {EngineRequestError, EngineUnreachableError} from '../../../src/lib/docker/errors.js'
import {InterruptedError} from '../../../src/lib/errors.js'
import {ImagePullError} from '../../../src/lib/image/errors.js'
import {pullFromRepositories, pullOnce} from '../../../src/lib/image/pull.js'
import {parseRepository} from '../../../src/lib/image/reference.js'
import {FakeEngine, jsonLines, type StreamAnswer} from '../helpers/fake-engine.js'

const endpoint: EngineEndpoint = {
  connection: {kind: 'socket', socketPath: '/fake.sock'},
  source: 'DOCKER_HOST',
  uri: 'unix:///fake.sock',
}
const DIGEST = `sha256:${'ab'.repeat(32)}`

/** An engine that answers each pull of a reference with the next scripted answer. */
function fakeEngine(script: Record<string, StreamAnswer[]>): FakeEngine {
  const engine = new FakeEngine()
  for (const [reference, answers] of Object.entries(script)) engine.scriptPull(reference, answers)
  return engine
}

const pulledReferences = (engine: FakeEngine) => engine.pulls.map((pull) => pull.reference)
const lines = jsonLines
const served = lines(
  {id: 'l1', status: 'Pulling fs layer'},
  {id: 'l1', progressDetail: {current: 5}, status: 'Downloading'},
  {status: `Digest: ${DIGEST}`},
)
const notFound = () =>
  new EngineRequestError(endpoint.uri, 404, 'manifest for x not found: manifest unknown: manifest unknown')
const refused = () =>
  new EngineRequestError(
    endpoint.uri,
    500,
    'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
  )

const A = '127.0.0.1:5001/prizz/sandbox'
const B = '127.0.0.1:5002/prizz/sandbox'
const repositories = [parseRepository(A), parseRepository(B)]
const fast = {attempts: 3, baseMs: 1}

describe('pullOnce', () => {
  it('returns the digest and hands every event on', async () => {
    const engine = fakeEngine({[`${A}:1`]: [served]})
    const seen: string[] = []
    const result = await pullOnce(engine, `${A}:1`, {
      onEvent: (event) => seen.push(event.type),
      signal: new AbortController().signal,
    })
    expect(result).to.deep.equal({digest: DIGEST})
    expect(seen).to.deep.equal(['layer', 'layer', 'digest'])
  })

  it('fails on an error event although the stream ends cleanly', async () => {
    const engine = fakeEngine({
      [`${A}:1`]: [
        lines(
          {id: 'l1', status: 'Downloading'},
          {
            error: 'unauthorized: authentication required',
            errorDetail: {message: 'unauthorized: authentication required'},
          },
        ),
      ],
    })
    const error = await pullOnce(engine, `${A}:1`, {signal: new AbortController().signal}).catch(
      (error_: unknown) => error_,
    )
    expect(error).to.have.property('kind', 'auth')
  })

  it('destroys the stream and throws InterruptedError when aborted mid-pull', async () => {
    const stream = new PassThrough()
    const engine = fakeEngine({[`${A}:1`]: [() => stream]})
    const controller = new AbortController()
    stream.write('{"status":"Downloading","id":"l1","progressDetail":{"current":1,"total":9}}\n')
    const pending = pullOnce(engine, `${A}:1`, {onEvent: () => controller.abort(), signal: controller.signal})
    const error = await pending.catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(InterruptedError)
    expect(stream.destroyed).to.equal(true)
  })

  it('reports a stream the engine breaks off as the engine failing', async () => {
    const stream = new PassThrough()
    const engine = fakeEngine({[`${A}:1`]: [() => stream]})
    setImmediate(() => stream.destroy(Object.assign(new Error('aborted'), {code: 'ECONNRESET'})))
    const error = await pullOnce(engine, `${A}:1`, {signal: new AbortController().signal}).catch(
      (error_: unknown) => error_,
    )
    expect(error).to.be.instanceOf(EngineUnreachableError)
    expect((error as Error).message).to.include('unix:///fake.sock')
  })
})

describe('pullFromRepositories', () => {
  it('pulls from the first repository that serves the tag', async () => {
    const engine = fakeEngine({[`${A}:25.1.3`]: [served]})
    const pulled = await pullFromRepositories(engine, repositories, '25.1.3', {
      policy: fast,
      signal: new AbortController().signal,
    })
    expect(pulled).to.deep.equal({
      digest: DIGEST,
      reference: {path: 'prizz/sandbox', registry: '127.0.0.1:5001', tag: '25.1.3'},
    })
  })

  it('retries transient failures with backoff, then falls back to the next repository', async () => {
    const engine = fakeEngine({[`${A}:25.1.3`]: [refused(), refused(), refused()], [`${B}:25.1.3`]: [served]})
    const retries: number[] = []
    const failed: string[] = []
    const pulled = await pullFromRepositories(engine, repositories, '25.1.3', {
      policy: {attempts: 3, baseMs: 10},
      random: () => 0.5,
      reporter: {
        repositoryFailed: (failure) => failed.push(`${failure.repository} ${failure.kind} ${failure.attempts}`),
        retry: ({delayMs}) => retries.push(delayMs),
      },
      signal: new AbortController().signal,
    })
    expect(pulled.reference.registry).to.equal('127.0.0.1:5002')
    expect(pulledReferences(engine)).to.deep.equal([`${A}:25.1.3`, `${A}:25.1.3`, `${A}:25.1.3`, `${B}:25.1.3`])
    expect(retries).to.deep.equal([10, 20])
    expect(failed).to.deep.equal([`${A} unavailable 3`])
  })

  it('abandons a pull showing no progress for the stall bound and goes on to the next repository at once', async () => {
    const silent = new PassThrough()
    silent.write('{"status":"Pulling fs layer","id":"l1"}\n')
    const engine = fakeEngine({[`${A}:25.1.3`]: [() => silent], [`${B}:25.1.3`]: [served]})
    const failed: string[] = []
    const pulled = await pullFromRepositories(engine, repositories, '25.1.3', {
      policy: {...fast, stallMs: 50},
      reporter: {repositoryFailed: (failure) => failed.push(`${failure.kind} ${failure.attempts}: ${failure.message}`)},
      signal: new AbortController().signal,
    })
    expect(pulled.reference.registry).to.equal('127.0.0.1:5002')
    expect(pulledReferences(engine)).to.deep.equal([`${A}:25.1.3`, `${B}:25.1.3`])
    expect(failed).to.deep.equal(['stalled 1: no progress for 0.05 s from 127.0.0.1:5001'])
    expect(silent.destroyed).to.equal(true)
  })

  it('does not retry a missing tag and names it when no repository has it', async () => {
    const engine = fakeEngine({[`${A}:9.9.9`]: [notFound()], [`${B}:9.9.9`]: [notFound()]})
    const error = await pullFromRepositories(engine, repositories, '9.9.9', {
      policy: fast,
      signal: new AbortController().signal,
    }).catch((error_: unknown) => error_)
    expect(pulledReferences(engine)).to.deep.equal([`${A}:9.9.9`, `${B}:9.9.9`])
    expect(error).to.be.instanceOf(ImagePullError)
    expect((error as ImagePullError).exitCode).to.equal(6)
    expect((error as ImagePullError).message).to.include('"9.9.9"')
  })

  it('stops at once when the engine itself is unreachable', async () => {
    const engine = fakeEngine({[`${A}:1`]: [new EngineUnreachableError(endpoint.uri, 'ECONNREFUSED')]})
    const error = await pullFromRepositories(engine, repositories, '1', {
      policy: fast,
      signal: new AbortController().signal,
    }).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(EngineUnreachableError)
    expect(pulledReferences(engine)).to.have.length(1)
  })

  it('is interrupted during a backoff wait', async () => {
    const engine = fakeEngine({[`${A}:1`]: [refused(), refused()]})
    const controller = new AbortController()
    const error = await pullFromRepositories(engine, repositories, '1', {
      policy: {attempts: 3, baseMs: 60_000},
      reporter: {retry: () => setImmediate(() => controller.abort())},
      signal: controller.signal,
    }).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(InterruptedError)
    expect(pulledReferences(engine)).to.have.length(1)
  })
})
