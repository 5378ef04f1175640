import type {ContainerDetails, Engine} from '../docker/engine.js'

import {EngineRequestError} from '../docker/errors.js'
import {LogDemuxer} from '../docker/log-stream.js'
import {readBody} from '../http.js'
import {createBody, specOf} from './container-body.js'
import {SandboxNotReadyError, sandboxErrors} from './errors.js'
import {type NotReady, type ReadinessCheck, type ReadinessEngine, waitUntilReady} from './readiness.js'
import {CONTAINER_NAME, MANAGED_LABEL, type SandboxSpec, specDifferences} from './spec.js'

export type SandboxEngine = ReadinessEngine &
  Pick<
    Engine,
    | 'containerLogs'
    | 'createContainer'
    | 'inspectContainer'
    | 'removeContainer'
    | 'renameContainer'
    | 'startContainer'
    | 'stopContainer'
  >

/** The old container's name while its replacement starts: it comes back if the new one fails. */
export const REPLACED_NAME = `${CONTAINER_NAME}-replaced`
/** How long a container replaced by a new spec gets to stop before the engine kills it. */
const REPLACE_STOP_S = 30
const LOG_TAIL_LINES = 20
const PORT_IN_USE = /address already in use|port is already allocated/i

export interface StartPlan {
  spec: SandboxSpec
  readiness: ReadinessCheck
  timeoutMs: number
  /** Asked when the container was made from another spec; false leaves it as it is. */
  approveChanges: (differences: string[]) => Promise<boolean>
}

export type StartAction = 'created' | 'recreated' | 'started' | 'unchanged'
export type StopResult = 'missing' | 'removed' | 'stopped' | 'was-stopped'

/**
 * The sandbox container on one engine: found by name, made from a spec,
 * replaced without losing the old one until the new one is ready.
 */
export class SandboxContainer {
  constructor(
    private readonly engine: SandboxEngine,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * occ's sandbox container, or undefined when there is none. A container by that name that occ
   * did not make is an error; one left renamed by a replacement that was cut short is put back.
   */
  async find(): Promise<ContainerDetails | undefined> {
    const [current, replaced] = [
      await this.engine.inspectContainer(CONTAINER_NAME),
      await this.engine.inspectContainer(REPLACED_NAME),
    ]
    if (current && current.Config.Labels?.[MANAGED_LABEL] !== 'true') throw sandboxErrors.notOurs(current.Id)
    if (replaced?.Config.Labels?.[MANAGED_LABEL] !== 'true') return current
    if (current) {
      await this.engine.removeContainer(replaced.Id)
      return current
    }

    await this.engine.renameContainer(replaced.Id, CONTAINER_NAME)
    return this.engine.inspectContainer(CONTAINER_NAME)
  }

  /** Brings the sandbox to running and ready with `plan.spec`: reuses, starts, creates or (approved) recreates it. */
  async start(plan: StartPlan): Promise<{action: StartAction; id: string}> {
    const found = await this.find()
    if (!found) {
      const id = await this.create(plan.spec)
      await this.startOrRemove(id, plan)
      return {action: 'created', id}
    }

    const made = specOf(found.Config.Labels)
    const differences = made ? specDifferences(made, plan.spec) : ['configuration: not recorded (made by an older occ)']
    if (differences.length > 0) {
      if (!(await plan.approveChanges(differences))) throw sandboxErrors.changed(differences)
      return {action: 'recreated', id: await this.replace(found, plan)}
    }

    if (!found.State.Running || found.State.Restarting) await this.startContainer(found.Id, plan.spec)
    await this.ready(found.Id, plan)
    return {action: found.State.Running ? 'unchanged' : 'started', id: found.Id}
  }

  /**
   * Replaces `old` by a container made from `plan.spec` (after an update: the new image). The old
   * one is stopped and set aside, not removed, until the new one is ready; if the new one fails
   * (or Ctrl-C), it is removed and the old one is put back and started as it was.
   */
  async replace(old: ContainerDetails, plan: StartPlan): Promise<string> {
    const wasRunning = old.State.Running
    await this.engine.stopContainer(old.Id, REPLACE_STOP_S)
    await this.engine.renameContainer(old.Id, REPLACED_NAME)
    let id: string | undefined
    try {
      id = await this.create(plan.spec)
      await this.startContainer(id, plan.spec)
      await this.ready(id, plan)
    } catch (error) {
      if (id !== undefined) await this.engine.removeContainer(id)
      await this.engine.renameContainer(old.Id, CONTAINER_NAME)
      if (wasRunning) await this.engine.startContainer(old.Id)
      throw error
    }

    await this.engine.removeContainer(old.Id)
    return id
  }

  /** Stops the sandbox (the engine kills it after `seconds`); `remove` removes the container, never its volumes. */
  async stop(seconds: number, remove: boolean): Promise<StopResult> {
    const found = await this.find()
    if (!found) return 'missing'
    const running = found.State.Running || found.State.Restarting
    if (running) await this.engine.stopContainer(found.Id, seconds)
    if (remove) {
      await this.engine.removeContainer(found.Id)
      return 'removed'
    }

    return running ? 'stopped' : 'was-stopped'
  }

  /** The last `lines` lines of the container's output, stdout and stderr together. */
  async logTail(id: string, lines = LOG_TAIL_LINES): Promise<string[]> {
    const stream = await this.engine.containerLogs(id, {follow: false, tail: lines, timestamps: false}, this.signal)
    const parts: Buffer[] = []
    new LogDemuxer((_stream, payload) => parts.push(payload)).push(await readBody(stream, 1_048_576))
    return Buffer.concat(parts)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-lines)
  }

  private async create(spec: SandboxSpec): Promise<string> {
    return this.engine.createContainer(CONTAINER_NAME, createBody(spec))
  }

  /**
   * Starts a container just made; if it does not start or become ready, it is removed again
   * (a failed start leaves nothing).
   */
  private async startOrRemove(id: string, plan: StartPlan): Promise<void> {
    try {
      await this.startContainer(id, plan.spec)
      await this.ready(id, plan)
    } catch (error) {
      await this.engine.removeContainer(id)
      throw error
    }
  }

  private async startContainer(id: string, spec: SandboxSpec): Promise<void> {
    try {
      await this.engine.startContainer(id)
    } catch (error) {
      if (error instanceof EngineRequestError && PORT_IN_USE.test(error.engineMessage))
        throw sandboxErrors.portInUse(spec.bindAddress, spec.port, error)
      throw error
    }
  }

  private async ready(id: string, plan: StartPlan): Promise<void> {
    const notReady = await waitUntilReady(this.engine, id, {
      check: plan.readiness,
      deadline: Date.now() + plan.timeoutMs,
      signal: this.signal,
    })
    if (notReady)
      throw new SandboxNotReadyError(
        notReadyWords(notReady, plan.timeoutMs),
        await this.logTail(id).catch(() => []),
        NOT_READY_FIX,
      )
  }
}

// The failed container is gone by now (a new one removed, a replaced one back): the hint points at the output shown.
const NOT_READY_FIX =
  'Fix what the last lines of its output above say ' +
  '(or run "occ image rollback" for the previous image), then "occ start" again.'

function notReadyWords(notReady: NotReady, timeoutMs: number): string {
  if (notReady.kind === 'exited') return `it exited with code ${notReady.exitCode}`
  const health = notReady.lastHealth ? ` (health: ${notReady.lastHealth})` : ''
  return `it was not healthy within ${Math.round(timeoutMs / 1000)} s${health}`
}
