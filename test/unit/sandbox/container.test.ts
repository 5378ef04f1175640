import {expect} from 'chai'

import {defaultConfig} from '../../../src/lib/config/validate.js'
import {OccError} from '../../../src/lib/errors.js'
import {createBody} from '../../../src/lib/sandbox/container-body.js'
import {REPLACED_NAME, SandboxContainer, type StartPlan} from '../../../src/lib/sandbox/container.js'
import {SandboxNotReadyError} from '../../../src/lib/sandbox/errors.js'
import {CONTAINER_NAME, sandboxSpec} from '../../../src/lib/sandbox/spec.js'
import {FakeEngine} from '../helpers/fake-engine.js'

const spec = (image: string, port = 3000) =>
  sandboxSpec({...defaultConfig(), mounts: [], opencode_web_port: port}, image, new Set())
const plan = (image: string, extra: Partial<StartPlan> = {}): StartPlan => ({
  approveChanges: async () => false,
  readiness: {command: ['true'], kind: 'health-test'},
  spec: spec(image),
  timeoutMs: 1500,
  ...extra,
})
const signal = new AbortController().signal

async function failure(promise: Promise<unknown>): Promise<OccError> {
  try {
    await promise
  } catch (error) {
    return error as OccError
  }

  throw new Error('expected a failure')
}

describe('SandboxContainer: the sandbox life cycle on one engine', () => {
  it('creates, then leaves a ready container with the same spec alone; starts a stopped one', async () => {
    const engine = new FakeEngine({good: 'healthy'})
    const sandbox = new SandboxContainer(engine, signal)
    const created = await sandbox.start(plan('good'))
    expect(created.action).to.equal('created')
    expect(await sandbox.start(plan('good'))).to.deep.equal({action: 'unchanged', id: created.id})
    await sandbox.stop(1, false)
    expect(await sandbox.start(plan('good'))).to.deep.equal({action: 'started', id: created.id})
    expect(engine.calls.filter((call) => call.startsWith('create'))).to.have.length(1)
  })

  it('refuses a changed spec unless approved, naming the differences; approved, replaces the container', async () => {
    const engine = new FakeEngine({good: 'healthy', newer: 'healthy'})
    const sandbox = new SandboxContainer(engine, signal)
    const {id} = await sandbox.start(plan('good'))
    const refused = await failure(sandbox.start(plan('newer')))
    expect(refused.code).to.equal('sandbox_spec_changed')
    expect(refused.message).to.include('image: good → newer')
    expect(engine.containers.get(id)?.running).to.equal(true)

    const asked: string[][] = []
    const replaced = await sandbox.start(
      plan('newer', {approveChanges: async (differences) => asked.push(differences) > 0}),
    )
    expect(replaced.action).to.equal('recreated')
    expect(asked).to.deep.equal([['image: good → newer']])
    expect(engine.containers.has(id)).to.equal(false)
    expect(engine.byName(CONTAINER_NAME)?.image).to.equal('newer')
  })

  it('puts the old container back, running, when its replacement never becomes healthy', async () => {
    const engine = new FakeEngine({broken: 'never-healthy', good: 'healthy'})
    const sandbox = new SandboxContainer(engine, signal)
    const {id} = await sandbox.start(plan('good'))
    const error = await failure(sandbox.start(plan('broken', {approveChanges: async () => true, timeoutMs: 600})))
    expect(error).to.be.instanceOf(SandboxNotReadyError)
    expect(error.message).to.include('not healthy within').and.include('| last words')
    expect(engine.byName(CONTAINER_NAME)?.id).to.equal(id)
    expect(engine.containers.get(id)?.running).to.equal(true)
    expect(engine.containers.size).to.equal(1)
  })

  it('fails fast with the exit code of an image that exits, and leaves no container behind', async () => {
    const engine = new FakeEngine({dies: 'exits'})
    const started = Date.now()
    const error = await failure(new SandboxContainer(engine, signal).start(plan('dies', {timeoutMs: 60_000})))
    expect(Date.now() - started).to.be.below(2000)
    expect(error.message).to.include('it exited with code 3')
    expect(error.exitCode).to.equal(11)
    expect(engine.containers.size).to.equal(0)
  })

  it('names the address and port in use, and leaves nothing behind', async () => {
    const engine = new FakeEngine({busy: 'port-in-use'})
    const error = await failure(new SandboxContainer(engine, signal).start(plan('busy')))
    expect(error.code).to.equal('sandbox_port_in_use')
    expect(error.message).to.equal('Port 3000 on 127.0.0.1 is already in use, so the sandbox cannot listen there.')
    expect(engine.containers.size).to.equal(0)
  })

  it('never touches a container occ did not make; puts back one a cut-short replacement left aside', async () => {
    const foreign = new FakeEngine()
    foreign.add(CONTAINER_NAME, 'theirs', {})
    expect((await failure(new SandboxContainer(foreign, signal).start(plan('good')))).code).to.equal(
      'sandbox_name_taken',
    )
    expect(foreign.calls).to.deep.equal([])

    const leftover = new FakeEngine({good: 'healthy'})
    const id = leftover.add(REPLACED_NAME, 'good', createBody(spec('good')).Labels as Record<string, string>, false)
    expect(await new SandboxContainer(leftover, signal).start(plan('good'))).to.deep.equal({action: 'started', id})
    expect(leftover.byName(CONTAINER_NAME)?.id).to.equal(id)
  })

  it('stop: stops, says when it was already stopped or missing, and --remove removes only the container', async () => {
    const engine = new FakeEngine({good: 'healthy'})
    const sandbox = new SandboxContainer(engine, signal)
    expect(await sandbox.stop(1, false)).to.equal('missing')
    await sandbox.start(plan('good'))
    expect(await sandbox.stop(1, false)).to.equal('stopped')
    expect(await sandbox.stop(1, false)).to.equal('was-stopped')
    expect(await sandbox.stop(1, true)).to.equal('removed')
    expect(engine.containers.size).to.equal(0)
  })
})
