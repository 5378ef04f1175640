import type Dockerode from 'dockerode'
import type {Readable} from 'node:stream'

import type {EngineEndpoint} from './endpoint.js'

import {engineStatusOf, toEngineError} from './errors.js'

export type ImageDetails = Dockerode.ImageInspectInfo

/** The platform images run on at this engine, in Go's words ("linux", "amd64"). */
export interface EnginePlatform {
  os: string
  architecture: string
}

export interface BuildRequest {
  /** The context directory and the files in it to send (paths relative to it). */
  context: string
  files: string[]
  /** The Dockerfile's path inside the context. */
  dockerfile: string
  buildArgs: Record<string, string>
  labels: Record<string, string>
  noCache: boolean
}

/**
 * The few engine operations occ needs, with every failure mapped to an OccError that names
 * the endpoint. dockerode is loaded on first use: it costs ~160 ms of startup.
 */
export class Engine {
  private constructor(
    readonly endpoint: EngineEndpoint,
    private readonly docker: Dockerode,
  ) {}

  static async connect(endpoint: EngineEndpoint): Promise<Engine> {
    const {default: Docker} = await import('dockerode')
    const {connection} = endpoint
    const options: Dockerode.DockerOptions =
      connection.kind === 'socket' ? {socketPath: connection.socketPath} : {host: connection.host, port: connection.port, protocol: 'http'}
    return new Engine(endpoint, new Docker(options))
  }

  async ping(): Promise<void> {
    await this.call(() => this.docker.ping())
  }

  /** The image a reference or id names, or undefined when the engine has no such image. */
  async inspectImage(reference: string): Promise<ImageDetails | undefined> {
    try {
      return await this.docker.getImage(reference).inspect()
    } catch (error) {
      if (engineStatusOf(error) === 404) return undefined
      throw toEngineError(error, this.endpoint.uri)
    }
  }

  /** Starts a pull; the answer is the engine's JSON-lines progress stream. */
  async pull(reference: string, signal: AbortSignal): Promise<Readable> {
    const stream: unknown = await this.call(() => this.docker.pull(reference, {abortSignal: signal}))
    return stream as Readable
  }

  async platform(): Promise<EnginePlatform> {
    const version = await this.call(() => this.docker.version())
    return {architecture: version.Arch, os: version.Os}
  }

  /**
   * Starts a build with the classic builder; the answer is its JSON-lines stream. dockerode
   * tars the files (honouring the context's .dockerignore) and gzips them.
   */
  async build(request: BuildRequest, signal: AbortSignal): Promise<Readable> {
    const options: Dockerode.ImageBuildOptions = {
      abortSignal: signal,
      buildargs: request.buildArgs,
      dockerfile: request.dockerfile,
      labels: request.labels,
      nocache: request.noCache,
      rm: true,
    }
    const stream: unknown = await this.call(() => this.docker.buildImage({context: request.context, src: request.files}, options))
    return stream as Readable
  }

  async tag(image: string, repo: string, tag: string): Promise<void> {
    await this.call(() => this.docker.getImage(image).tag({repo, tag}))
  }

  /** Removes a name (or the image, given its id) without force; returns what the engine did. */
  async removeImage(reference: string): Promise<Dockerode.ImageRemoveInfo[]> {
    const removed: unknown = await this.call(() => this.docker.getImage(reference).remove({force: false}))
    return Array.isArray(removed) ? (removed as Dockerode.ImageRemoveInfo[]) : []
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation()
    } catch (error) {
      throw toEngineError(error, this.endpoint.uri)
    }
  }
}
