import type Dockerode from 'dockerode'
import type {IncomingMessage} from 'node:http'
import type {Agent as HttpsAgent} from 'node:https'
import type {Readable} from 'node:stream'

import type {RegistryCredentials} from '../image/registry-auth.js'

import {parseImageReference, repositoryName} from '../image/reference.js'

import {describeEndpoint, type EngineConnection, type EngineEndpoint} from './endpoint.js'
import {drain, type EngineCall, type EngineTransport, imagePath, openTransport, readJson, readTlsFiles} from './engine-api.js'
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
 * docker-modem's `modem` debug log prints every request with its headers, X-Registry-Auth
 * (the registry credentials) included: DEBUG=* or DEBUG=modem must not put them on stderr.
 */
async function silenceModemDebug(): Promise<void> {
  const {default: debug} = await import('debug')
  if (debug.enabled(MODEM_DEBUG_NAMESPACE)) debug.enable(`${debug.disable()},-${MODEM_DEBUG_NAMESPACE}`)
}

const MODEM_DEBUG_NAMESPACE = 'modem'

/**
 * The few engine operations occ needs, with every failure mapped to an OccError that names
 * the endpoint. They go through occ's own small API client (engine-api.ts); dockerode is
 * loaded only to build.
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
   * Starts a build with the classic builder; the answer is its JSON-lines stream. dockerode
   * tars the files (honouring the context's .dockerignore) and gzips them.
   */
  async build(request: BuildRequest, signal: AbortSignal): Promise<Readable> {
    const {default: Docker} = await import('dockerode')
    await silenceModemDebug()
    const docker = new Docker(await dockerodeOptions(this.endpoint.connection, this.label))
    const options: Dockerode.ImageBuildOptions = {
      abortSignal: signal,
      buildargs: request.buildArgs,
      dockerfile: request.dockerfile,
      labels: request.labels,
      nocache: request.noCache,
      rm: true,
    }
    try {
      const stream: unknown = await docker.buildImage({context: request.context, src: request.files}, options)
      return stream as Readable
    } catch (error) {
      throw toEngineError(error, this.label)
    }
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

/**
 * Every connection option set explicitly (undefined included): docker-modem otherwise fills
 * the gaps from DOCKER_HOST and DOCKER_CERT_PATH by itself.
 */
export async function dockerodeOptions(connection: EngineConnection, label: string): Promise<Dockerode.DockerOptions & {agent?: HttpsAgent}> {
  const none = {ca: undefined, cert: undefined, host: undefined, key: undefined, port: undefined, socketPath: undefined}
  switch (connection.kind) {
    case 'socket': {
      return {...none, socketPath: connection.socketPath}
    }

    case 'ssh': {
      // docker-modem runs `docker system dial-stdio` on the host through ssh2, authenticating with the ssh agent.
      return {...none, host: connection.host, port: connection.port, protocol: 'ssh', sshOptions: {agent: process.env.SSH_AUTH_SOCK}, username: connection.username}
    }

    case 'tcp': {
      if (!connection.tls) return {...none, host: connection.host, port: connection.port, protocol: 'http'}
      const pem = await readTlsFiles(connection.tls, label)
      // Without verification the engine's certificate is accepted as it is (docker's SkipTLSVerify / DOCKER_TLS).
      const agent = connection.tls.verify ? undefined : new (await import('node:https')).Agent({...pem, rejectUnauthorized: false})
      return {...none, ...pem, host: connection.host, port: connection.port, protocol: 'https', ...(agent ? {agent} : {})}
    }
  }
}
