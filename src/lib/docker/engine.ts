import type Dockerode from 'dockerode'
import type {IncomingMessage} from 'node:http'
import type {Readable} from 'node:stream'

import type {RegistryCredentials} from '../image/registry-auth.js'

import {parseImageReference, repositoryName} from '../image/reference.js'

import {describeEndpoint, type EngineEndpoint} from './endpoint.js'
import {drain, type EngineCall, type EngineTransport, imagePath, openTransport, readJson} from './engine-api.js'
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
 * the endpoint. Every one goes through occ's own small API client (engine-api.ts) and the one
 * connection it opens, so an ssh:// host's key is checked for builds as for everything else.
 */
export class Engine {
  /** How errors name the engine: its URI, and the context it came from. */
  readonly label: string

  private constructor(
    readonly endpoint: EngineEndpoint,
    private readonly api: EngineTransport,
  ) {
    this.label = describeEndpoint(endpoint)
  }

  static async connect(endpoint: EngineEndpoint): Promise<Engine> {
    return new Engine(endpoint, await openTransport(endpoint.connection, describeEndpoint(endpoint)))
  }

  async ping(): Promise<void> {
    await drain(await this.call({method: 'GET', path: '/_ping'}))
  }

  /** The image a reference or id names, or undefined when the engine has no such image. */
  async inspectImage(reference: string): Promise<ImageDetails | undefined> {
    try {
      return await readJson<ImageDetails>(await this.api.request({method: 'GET', path: `/images/${imagePath(reference)}/json`}))
    } catch (error) {
      if (engineStatusOf(error) === 404) return undefined
      throw toEngineError(error, this.label)
    }
  }

  /**
   * Starts a pull; the answer is the engine's JSON-lines progress stream. `credentials` go to
   * the engine in the X-Registry-Auth header, for the registry `serverAddress` names only.
   */
  async pull(reference: string, signal: AbortSignal, credentials?: RegistryCredentials & {serverAddress: string}): Promise<Readable> {
    // The engine takes the repository and the tag (or digest) apart, as the docker CLI sends them.
    const parsed = parseImageReference(reference)
    const headers = credentials === undefined ? undefined : {'X-Registry-Auth': registryAuthHeader(credentials)}
    return this.call({headers, method: 'POST', path: '/images/create', query: {fromImage: repositoryName(parsed), tag: parsed.digest ?? parsed.tag}, signal})
  }

  async platform(): Promise<EnginePlatform> {
    const version = await readJson<{Arch: string; Os: string}>(await this.call({method: 'GET', path: '/version'}))
    return {architecture: version.Arch, os: version.Os}
  }

  /**
   * Starts a build with the classic builder; the answer is its JSON-lines stream. The context
   * is tarred (honouring its .dockerignore) and gzipped as it is sent.
   */
  async build(request: BuildRequest, signal: AbortSignal): Promise<Readable> {
    const context = await packBuildContext(request)
    const query = {
      buildargs: JSON.stringify(request.buildArgs),
      dockerfile: request.dockerfile,
      labels: JSON.stringify(request.labels),
      nocache: String(request.noCache),
      rm: 'true',
    }
    return this.call({body: context, headers: {'Content-Type': 'application/x-tar'}, method: 'POST', path: '/build', query, signal})
  }

  async tag(image: string, repo: string, tag: string): Promise<void> {
    await drain(await this.call({method: 'POST', path: `/images/${imagePath(image)}/tag`, query: {repo, tag}}))
  }

  /** Removes a name (or the image, given its id) without force; returns what the engine did. */
  async removeImage(reference: string): Promise<Dockerode.ImageRemoveInfo[]> {
    const removed = await readJson<unknown>(await this.call({method: 'DELETE', path: `/images/${imagePath(reference)}`, query: {force: 'false'}}))
    return Array.isArray(removed) ? (removed as Dockerode.ImageRemoveInfo[]) : []
  }

  private async call(call: EngineCall): Promise<IncomingMessage> {
    try {
      return await this.api.request(call)
    } catch (error) {
      throw toEngineError(error, this.label)
    }
  }
}

/** The X-Registry-Auth header: the engine API's AuthConfig as JSON, in URL-safe base64 (as docker sends it). */
export function registryAuthHeader(credentials: RegistryCredentials & {serverAddress: string}): string {
  return Buffer.from(JSON.stringify(authConfig(credentials))).toString('base64').replaceAll('+', '-').replaceAll('/', '_')
}

/** The engine API's AuthConfig (X-Registry-Auth) for a registry. */
function authConfig(credentials: RegistryCredentials & {serverAddress: string}): Dockerode.AuthConfig {
  if ('identityToken' in credentials) return {identitytoken: credentials.identityToken, serveraddress: credentials.serverAddress}
  return {password: credentials.password, serveraddress: credentials.serverAddress, username: credentials.username}
}

/** The context's files as a gzipped tar, filtered by its .dockerignore (dockerode's packer, as docker's CLI filters). */
async function packBuildContext(request: BuildRequest): Promise<Readable> {
  const {prepareBuildContext} = await import('dockerode/lib/util.js')
  return new Promise((resolve) => prepareBuildContext({context: request.context, src: request.files}, resolve))
}
