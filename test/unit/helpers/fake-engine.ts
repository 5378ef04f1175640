/**
 * The one in-memory engine for the unit tests: images with their tags (for tags, rollback, clear,
 * acquire and drift), containers that behave as the image they are made from says (`behaviours`),
 * scripted pull and build streams, the engine's platform, and a log of every call that changes
 * something.
 */
import type {
  BuildRequest,
  ContainerDetails,
  Engine,
  EnginePlatform,
  ImageDetails,
} from '../../../src/lib/docker/engine.js'

import {Readable} from 'node:stream'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'

/**
 * How a container of an image behaves once started. The "unchecked-" ones run on an engine that
 * never runs health checks (podman without systemd): health stays "starting" while the container's
 * own health test, run by exec, passes or fails.
 */
export type Behaviour =
  'exits' | 'healthy' | 'never-healthy' | 'port-in-use' | 'unchecked-failing' | 'unchecked-passing'

/** The engine's answer to one pull or build: a stream of JSON lines, or the error the request fails with. */
export type StreamAnswer = (() => Readable) | Error

/** A stream of the engine's JSON lines, one per event. */
export const jsonLines =
  (...events: object[]) =>
  (): Readable =>
    Readable.from(events.map((event) => `${JSON.stringify(event)}\n`))

/** What one pull asked for: the reference and the credentials that came with it. */
export interface PullCall {
  reference: string
  credentials?: Parameters<Engine['pull']>[2]
}

interface FakeContainer {
  id: string
  name: string
  image: string
  labels: Record<string, string>
  running: boolean
  exitCode: number
  restarting: boolean
}

/**
 * One entry of the engine's answer to a removal: each names either an untagged name or a deleted image
 * (dockerode types both as present).
 */
type RemovalEntry = Awaited<ReturnType<Engine['removeImage']>>[number]

interface FakeImage {
  id: string
  /** "repo:tag" names, as the engine lists them (Docker Hub names without "docker.io/"). */
  tags: string[]
  labels: Record<string, string>
}

export class FakeEngine {
  readonly label = 'unix:///fake.sock'
  readonly calls: string[] = []
  readonly containers = new Map<string, FakeContainer>()
  readonly images = new Map<string, FakeImage>()
  /** The next call whose log line starts with a key fails with its error (once). */
  readonly failures = new Map<string, Error>()
  /** Every pull, in order, with its credentials. */
  readonly pulls: PullCall[] = []
  /** Every build request, in order. */
  readonly builds: BuildRequest[] = []
  /** Every command run by exec, in order. */
  readonly execs: string[][] = []
  /** What `platform()` answers. */
  enginePlatform: EnginePlatform = {architecture: 'amd64', os: 'linux'}
  /** The health test in an image's config (as `Config.Healthcheck.Test`), by image. */
  readonly healthchecks: Record<string, string[]> = {}
  private readonly pullScript = new Map<string, {answers: StreamAnswer[]; labels: Record<string, string>}>()
  private readonly buildScript: StreamAnswer[] = []
  private next = 1

  constructor(private readonly behaviours: Record<string, Behaviour> = {}) {}

  /** A container occ did not make, or one left by an earlier run. */
  add(name: string, image: string, labels: Record<string, string>, running = true): string {
    const id = `c${this.next++}`.padEnd(64, '0')
    this.containers.set(id, {exitCode: 0, id, image, labels, name, restarting: false, running})
    return id
  }

  /** An image the engine holds, with its names; returns its id ("sha256:" and 64 hex). */
  addImage(tags: string[] = [], labels: Record<string, string> = {}): string {
    const id = `sha256:${String(this.next++).padStart(64, 'e')}`
    this.images.set(id, {id, labels, tags: []})
    for (const name of tags) this.name(id, name)
    return id
  }

  /** The id a name or id stands for, or undefined. */
  imageId(reference: string): string | undefined {
    if (this.images.has(reference)) return reference
    return [...this.images.values()].find((image) => image.tags.includes(reference))?.id
  }

  async ping(): Promise<void> {
    this.fail('ping')
  }

  async platform(): Promise<EnginePlatform> {
    return this.enginePlatform
  }

  /**
   * Scripts the answers to the next pulls of `reference` ("repo:tag"), one per pull. A pull that
   * answers with a stream lands a new image under that name, labelled with `labels`.
   */
  scriptPull(reference: string, answers: StreamAnswer[], labels: Record<string, string> = {}): this {
    this.pullScript.set(reference, {answers: [...answers], labels})
    return this
  }

  /** Scripts the answers to the next builds, one per build (the stream's aux ID names the built image). */
  scriptBuild(...answers: StreamAnswer[]): this {
    this.buildScript.push(...answers)
    return this
  }

  async pull(
    image: {repository: string; tag?: string},
    _signal: AbortSignal,
    credentials?: PullCall['credentials'],
  ): Promise<Readable> {
    const reference = `${image.repository}:${image.tag}`
    this.calls.push(`pull ${reference}`)
    this.pulls.push({reference, ...(credentials === undefined ? {} : {credentials})})
    const script = this.pullScript.get(reference)
    const answer = script?.answers.shift()
    if (!script || !answer) throw new Error(`unscripted pull of ${reference}`)
    if (answer instanceof Error) throw answer
    this.addImage([reference], script.labels)
    return answer()
  }

  async build(request: BuildRequest): Promise<Readable> {
    this.calls.push('build')
    this.builds.push(request)
    const answer = this.buildScript.shift()
    if (!answer) throw new Error('unscripted build')
    if (answer instanceof Error) throw answer
    return answer()
  }

  async inspectImage(reference: string): Promise<ImageDetails | undefined> {
    const id = this.imageId(reference)
    const image = id === undefined ? undefined : this.images.get(id)
    if (!image) return undefined
    return {
      Config: {Labels: image.labels},
      Id: image.id,
      RepoDigests: [],
      RepoTags: [...image.tags],
    } as unknown as ImageDetails
  }

  async tag(image: string, repo: string, tag: string): Promise<void> {
    const id = this.imageId(image)
    if (id === undefined) throw new EngineRequestError(this.label, 404, `No such image: ${image}`)
    this.fail(`tag ${repo}:${tag}`)
    this.calls.push(`tag ${repo}:${tag} ${id}`)
    this.name(id, `${repo}:${tag}`)
  }

  /**
   * Removes a name, or an image by id; the image goes with its last name unless a container uses it
   * (409, as the engine).
   */
  async removeImage(reference: string): Promise<RemovalEntry[]> {
    const id = this.imageId(reference)
    const image = id === undefined ? undefined : this.images.get(id)
    if (!image) throw new EngineRequestError(this.label, 404, `No such image: ${reference}`)
    this.fail(`remove ${reference}`)
    const byId = reference === image.id
    if (byId && image.tags.length > 1)
      throw new EngineRequestError(
        this.label,
        409,
        `conflict: unable to delete ${image.id.slice(7, 19)} (must be forced) - ` +
          'image is referenced in multiple repositories',
      )
    const user = [...this.containers.values()].find((container) => container.image === image.id)
    if (byId && user)
      throw new EngineRequestError(
        this.label,
        409,
        `conflict: unable to delete ${image.id.slice(7, 19)} (cannot be forced) - ` +
          `image is being used by running container ${user.id.slice(0, 12)}`,
      )
    this.calls.push(`remove ${reference}`)
    const untagged = byId ? image.tags : [reference]
    image.tags = image.tags.filter((name) => !untagged.includes(name))
    const removed = untagged.map((name) => ({Untagged: name}) as RemovalEntry)
    if (image.tags.length === 0 && !user) {
      this.images.delete(image.id)
      removed.push({Deleted: image.id} as RemovalEntry)
    }

    return removed
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((container) => container.name === name)
  }

  async inspectContainer(name: string): Promise<ContainerDetails | undefined> {
    const found = this.containers.get(name) ?? this.byName(name)
    if (!found) return undefined
    const health = found.running ? (this.behaviours[found.image] === 'healthy' ? 'healthy' : 'starting') : undefined
    const test = this.healthchecks[found.image]
    return {
      Config: {Image: found.image, Labels: found.labels, ...(test === undefined ? {} : {Healthcheck: {Test: test}})},
      Id: found.id,
      Image: found.image,
      Name: `/${found.name}`,
      State: {
        ExitCode: found.exitCode,
        Health: health ? {Status: health} : undefined,
        Restarting: found.restarting,
        Running: found.running,
        Status: found.running ? 'running' : 'exited',
      },
    } as unknown as ContainerDetails
  }

  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    if (this.byName(name))
      throw new EngineRequestError(this.label, 409, `Conflict. The container name "/${name}" is already in use`)
    const id = `c${this.next++}`.padEnd(64, '0')
    this.calls.push(`create ${name}`)
    this.containers.set(id, {
      exitCode: 0,
      id,
      image: String(body.Image),
      labels: body.Labels as Record<string, string>,
      name,
      restarting: false,
      running: false,
    })
    return id
  }

  async startContainer(id: string): Promise<void> {
    const container = this.must(id)
    this.calls.push(`start ${container.name}`)
    const behaviour = this.behaviours[container.image] ?? 'healthy'
    if (behaviour === 'port-in-use')
      throw new EngineRequestError(
        this.label,
        500,
        'driver failed programming external connectivity: Bind for 127.0.0.1:3000 failed: port is already allocated',
      )
    container.running = behaviour !== 'exits'
    container.exitCode = behaviour === 'exits' ? 3 : 0
  }

  async stopContainer(id: string): Promise<void> {
    const container = this.must(id)
    this.calls.push(`stop ${container.name}`)
    container.running = false
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`remove ${this.must(id).name}`)
    this.containers.delete(id)
  }

  async renameContainer(id: string, name: string): Promise<void> {
    const container = this.must(id)
    this.calls.push(`rename ${container.name} ${name}`)
    container.name = name
  }

  async exec(id: string, command: string[]): Promise<{exitCode: number; output: string}> {
    const behaviour = this.behaviours[this.must(id).image]
    this.execs.push(command)
    return {exitCode: behaviour === 'healthy' || behaviour === 'unchecked-passing' ? 0 : 1, output: ''}
  }

  async containerLogs(id: string): Promise<Readable> {
    const payload = Buffer.from(`started ${this.must(id).image}\nlast words\n`)
    const header = Buffer.alloc(8)
    header[0] = 1
    header.writeUInt32BE(payload.length, 4)
    return Readable.from([Buffer.concat([header, payload])])
  }

  private name(id: string, name: string): void {
    for (const image of this.images.values()) image.tags = image.tags.filter((tag) => tag !== name)
    this.images.get(id)?.tags.push(name)
  }

  private fail(call: string): void {
    for (const [key, error] of this.failures) {
      if (!call.startsWith(key)) continue
      this.failures.delete(key)
      throw error
    }
  }

  private must(id: string): FakeContainer {
    const found = this.containers.get(id)
    if (!found) throw new EngineRequestError(this.label, 404, `No such container: ${id}`)
    return found
  }
}
