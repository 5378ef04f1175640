import {existsSync, mkdirSync} from 'node:fs'
import {homedir} from 'node:os'

import type {UpdateCheckReport} from '../image/check.js'
import type {ImageState} from '../image/state.js'
import type {ImageCore, UpdateOutcome} from './images.js'

import {expandMount} from '../config/load.js'
import {DEFAULT_MOUNTS} from '../config/schema.js'
import type {Engine, LogOptions} from '../docker/engine.js'
import type {StopResult} from '../sandbox/container.js'

import {LogDemuxer, type LogStream} from '../docker/log-stream.js'
import {type SandboxStatus, sandboxStatus} from './sandbox-status.js'
import {OccError} from '../errors.js'
import {recordedImage} from '../image/drift.js'
import {localReference} from '../image/sandbox.js'
import {withFileLock} from '../lock.js'
import {SandboxContainer, type StartAction} from '../sandbox/container.js'
import {SandboxNotReadyError, sandboxErrors} from '../sandbox/errors.js'
import {answersHttp} from '../sandbox/probe.js'
import {HEALTH_TEST_TIMEOUT_MS, healthTestOf, type ReadinessCheck} from '../sandbox/readiness.js'
import {bindAddressOf, mayBind, sandboxSpec, type SandboxSpec, sandboxUrl} from '../sandbox/spec.js'

export interface StartRequest {
  /** Seconds to wait for the sandbox to become ready. */
  timeoutS: number
  /** Apply an available update before starting. */
  update: boolean
  /** Run the update check update_check asks for (alongside the start). */
  updateCheck: boolean
  /** Asked (on a terminal, or answered by --yes) before a container with another configuration is recreated. */
  approveChanges: (differences: string[]) => Promise<boolean>
}

export interface StartOutcome {
  action: StartAction
  url: string
  container_id: string
  image_id: string
  record: ImageState | null
  /** The pull or build that made an image when there was none. */
  acquired: boolean
  update?: Omit<UpdateOutcome, 'acquired'>
  update_check?: UpdateCheckReport
}

/**
 * The sandbox on the engine this run talks to: started from the current image and the config,
 * ready only when healthy, kept running (or rolled back) when the image changes.
 */
export class SandboxCore {
  constructor(private readonly images: ImageCore) {}

  async start(request: StartRequest): Promise<StartOutcome> {
    const config = this.images.run.config()
    const bindAddress = bindAddressOf(config)
    if (!mayBind(config, bindAddress)) throw sandboxErrors.exposed(bindAddress)
    const engine = await this.images.engine()
    await engine.ping()
    // One start at a time per engine: two would race to create the same container.
    return withFileLock(`${this.images.store.file}.sandbox`, () => this.startLocked(engine, request), {
      onWait: () => this.images.run.notice('Waiting for another occ start…'),
      signal: this.images.run.signal,
    })
  }

  private async startLocked(engine: Engine, request: StartRequest): Promise<StartOutcome> {
    let record = (await this.images.store.read()) ?? null
    let acquired = false
    if (!(await engine.inspectImage(localReference('current')))) {
      record = (await this.images.acquire()).record
      acquired = true
    }

    let update: Omit<UpdateOutcome, 'acquired'> | undefined
    let approveChanges = request.approveChanges
    if (request.update && !acquired) {
      const {acquired: made, ...outcome} = await this.images.update({build: {}, force: false})
      update = outcome
      record = outcome.state
      if (made) {
        // A running sandbox moves to the new image now, or the update is rolled back;
        // a new image alone needs no approval.
        await this.followCurrentImage(request.timeoutS)
        approveChanges = async (differences) =>
          differences.every((line) => line.startsWith('image:')) || request.approveChanges(differences)
      }
    }

    const image = await engine.inspectImage(localReference('current'))
    if (!image) throw sandboxErrors.imageVanished()
    // The sandbox runs only from the image occ recorded, not from one tagged current by hand since.
    const recorded = record ? await recordedImage(record, engine, image) : image
    if (recorded?.Id !== image.Id)
      throw sandboxErrors.imageNotRecorded(localReference('current'), image.Id, recorded?.Id)
    // The check runs alongside the start: a slow or dead registry adds no wait before it, and never fails it.
    const checking =
      request.updateCheck && !request.update && !acquired && record
        ? this.images.automaticCheck(record, engine).catch(() => undefined)
        : undefined
    const spec = this.spec(image.Id)
    const {action, id} = await new SandboxContainer(engine, this.images.run.signal).start({
      approveChanges,
      readiness: this.readiness(spec, image),
      spec,
      timeoutMs: request.timeoutS * 1000,
    })
    const checked = await checking
    return {
      acquired,
      action,
      container_id: id,
      image_id: image.Id,
      record: checked?.record ?? record,
      url: sandboxUrl(spec),
      ...(update ? {update} : {}),
      ...(checked ? {update_check: checked.report} : {}),
    }
  }

  /**
   * After the current image changed (update, rollback): a running sandbox moves to it. If it does
   * not become ready there, the image is rolled back and the old container runs again, as it was.
   */
  async followCurrentImage(timeoutS: number): Promise<'moved' | 'not-running'> {
    const engine = await this.images.engine()
    const sandbox = new SandboxContainer(engine, this.images.run.signal)
    // A container by the sandbox's name that occ did not make is not followed (nor touched).
    const found = await sandbox.find().catch((error: unknown) => {
      if (error instanceof OccError && error.code === 'sandbox_name_taken') return undefined
      throw error
    })
    if (!found?.State.Running) return 'not-running'
    const image = await engine.inspectImage(localReference('current'))
    if (!image || image.Id === found.Image) return 'moved'
    const spec = this.spec(image.Id)
    try {
      await sandbox.replace(found, {
        approveChanges: async () => true,
        readiness: this.readiness(spec, image),
        spec,
        timeoutMs: timeoutS * 1000,
      })
    } catch (error) {
      if (!(error instanceof SandboxNotReadyError)) throw error
      await this.images.rollback()
      throw sandboxErrors.rolledBack(error)
    }

    return 'moved'
  }

  /** The sandbox's state against the image record; no network beyond the engine. */
  async status(): Promise<SandboxStatus> {
    const engine = await this.images.engine()
    const container = await new SandboxContainer(engine, this.images.run.signal).find()
    const status = sandboxStatus(container, (await this.images.store.read()) ?? null)
    if (!container || status.state !== 'running' || status.health === 'healthy') return status
    // The engine may not have run the health test yet (or ever: podman without systemd); run it once.
    // The container's health test (the image's, merged by the engine) first: podman's image inspect has none.
    const command = healthTestOf(container) ?? healthTestOf(await engine.inspectImage(container.Image))
    if (!command) return status
    const passed = await engine.exec(container.Id, command, HEALTH_TEST_TIMEOUT_MS).then(
      (result) => result.exitCode === 0,
      () => false,
    )
    return passed ? {...status, health: 'healthy'} : status
  }

  async stop(seconds: number, remove: boolean): Promise<StopResult> {
    return new SandboxContainer(await this.images.engine(), this.images.run.signal).stop(seconds, remove)
  }

  /**
   * The container's output: `onOutput` gets each piece as the engine sends it;
   * with `follow`, until the container stops or Ctrl-C.
   */
  async logs(options: LogOptions, onOutput: (stream: LogStream, payload: Buffer) => void): Promise<void> {
    const engine = await this.images.engine()
    const found = await new SandboxContainer(engine, this.images.run.signal).find()
    if (!found) throw sandboxErrors.missing()
    const stream = await engine.containerLogs(found.Id, options, this.images.run.signal)
    const demuxer = new LogDemuxer(onOutput)
    try {
      for await (const chunk of stream) demuxer.push(chunk as Buffer)
    } catch (error) {
      // Ctrl-C ends a followed log on purpose: the run's signal, not a failure.
      if (!this.images.run.signal.aborted) throw error
    }
  }

  /**
   * The spec from the config; on this machine's engine, a missing default mount directory is made
   * and a missing user mount refused.
   */
  private spec(imageId: string): SandboxSpec {
    const home = homedir()
    const spec = sandboxSpec(
      this.images.run.config(),
      imageId,
      new Set(DEFAULT_MOUNTS.map((entry) => expandMount(entry, home))),
    )
    if (this.images.endpoint.connection.kind !== 'socket') return spec
    for (const mount of spec.mounts) {
      if (existsSync(mount.source)) continue
      if (!mount.isDefault) throw sandboxErrors.missingMount(`${mount.source}:${mount.target}`, mount.source)
      mkdirSync(mount.source, {mode: 0o700, recursive: true})
    }

    return spec
  }

  /**
   * The image's own health test, else its web port answering HTTP where users reach it
   * (the engine's host for a remote engine).
   */
  private readiness(spec: SandboxSpec, image: Parameters<typeof healthTestOf>[0]): ReadinessCheck {
    const command = healthTestOf(image)
    if (command) return {command, kind: 'health-test'}
    const {connection} = this.images.endpoint
    const host =
      connection.kind === 'socket' ? spec.bindAddress.replace(/^(?:0\.0\.0\.0|::)$/, '127.0.0.1') : connection.host
    return {kind: 'http', probe: () => answersHttp(host, spec.port)}
  }
}
