/**
 * An in-memory engine for the decision modules' unit tests: containers that behave as the image
 * they are made from says (`behaviours`), and a log of every call that changes something.
 */
import type {ContainerDetails} from '../../../src/lib/docker/engine.js'

import {Readable} from 'node:stream'

import {EngineRequestError} from '../../../src/lib/docker/errors.js'

/** How a container of an image behaves once started. */
export type Behaviour = 'exits' | 'healthy' | 'never-healthy' | 'port-in-use'

interface FakeContainer {
  id: string
  name: string
  image: string
  labels: Record<string, string>
  running: boolean
  exitCode: number
  restarting: boolean
}

export class FakeEngine {
  readonly label = 'unix:///fake.sock'
  readonly calls: string[] = []
  readonly containers = new Map<string, FakeContainer>()
  private next = 1

  constructor(private readonly behaviours: Record<string, Behaviour> = {}) {}

  /** A container occ did not make, or one left by an earlier run. */
  add(name: string, image: string, labels: Record<string, string>, running = true): string {
    const id = `c${this.next++}`.padEnd(64, '0')
    this.containers.set(id, {exitCode: 0, id, image, labels, name, restarting: false, running})
    return id
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((container) => container.name === name)
  }

  async inspectContainer(name: string): Promise<ContainerDetails | undefined> {
    const found = this.containers.get(name) ?? this.byName(name)
    if (!found) return undefined
    const health = found.running ? (this.behaviours[found.image] === 'healthy' ? 'healthy' : 'starting') : undefined
    return {
      Config: {Image: found.image, Labels: found.labels},
      Id: found.id,
      Image: found.image,
      Name: `/${found.name}`,
      State: {ExitCode: found.exitCode, Health: health ? {Status: health} : undefined, Restarting: found.restarting, Running: found.running, Status: found.running ? 'running' : 'exited'},
    } as unknown as ContainerDetails
  }

  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    if (this.byName(name)) throw new EngineRequestError(this.label, 409, `Conflict. The container name "/${name}" is already in use`)
    const id = `c${this.next++}`.padEnd(64, '0')
    this.calls.push(`create ${name}`)
    this.containers.set(id, {exitCode: 0, id, image: String(body.Image), labels: body.Labels as Record<string, string>, name, restarting: false, running: false})
    return id
  }

  async startContainer(id: string): Promise<void> {
    const container = this.must(id)
    this.calls.push(`start ${container.name}`)
    const behaviour = this.behaviours[container.image] ?? 'healthy'
    if (behaviour === 'port-in-use') throw new EngineRequestError(this.label, 500, 'driver failed programming external connectivity: Bind for 127.0.0.1:3000 failed: port is already allocated')
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

  async exec(id: string): Promise<{exitCode: number; output: string}> {
    return {exitCode: this.behaviours[this.must(id).image] === 'healthy' ? 0 : 1, output: ''}
  }

  async containerLogs(id: string): Promise<Readable> {
    const payload = Buffer.from(`started ${this.must(id).image}\nlast words\n`)
    const header = Buffer.alloc(8)
    header[0] = 1
    header.writeUInt32BE(payload.length, 4)
    return Readable.from([Buffer.concat([header, payload])])
  }

  private must(id: string): FakeContainer {
    const found = this.containers.get(id)
    if (!found) throw new EngineRequestError(this.label, 404, `No such container: ${id}`)
    return found
  }
}
