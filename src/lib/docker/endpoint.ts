import {EngineEndpointError} from './errors.js'

export const DEFAULT_SOCKET = '/var/run/docker.sock'

/** How dockerode reaches the engine: a unix socket or a plain TCP address. */
export type EngineConnection =
  | {kind: 'socket'; socketPath: string}
  | {kind: 'tcp'; host: string; port: number}

/** The Docker engine occ talks to, named the way the user configured it. */
export interface EngineEndpoint {
  /** The endpoint as a URI, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375. */
  uri: string
  /** Where the endpoint came from; contexts and TLS join this list later. */
  source: 'DOCKER_HOST' | 'default'
  connection: EngineConnection
}

/** Finds the engine as the docker CLI does: DOCKER_HOST, else the default socket. */
export function resolveEngineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const host = env.DOCKER_HOST?.trim()
  if (!host) return {connection: {kind: 'socket', socketPath: DEFAULT_SOCKET}, source: 'default', uri: `unix://${DEFAULT_SOCKET}`}
  return {connection: parseDockerHost(host), source: 'DOCKER_HOST', uri: host}
}

function parseDockerHost(host: string): EngineConnection {
  let url: URL
  try {
    url = new URL(host)
  } catch {
    throw new EngineEndpointError(host, 'it is not a URL such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375')
  }

  if (url.protocol === 'unix:') {
    const socketPath = decodeURIComponent(url.pathname) || DEFAULT_SOCKET
    return {kind: 'socket', socketPath}
  }

  if (url.protocol === 'tcp:' || url.protocol === 'http:') {
    if (!url.hostname) throw new EngineEndpointError(host, 'it names no host')
    return {host: url.hostname.replace(/^\[(.*)]$/, '$1'), kind: 'tcp', port: url.port ? Number(url.port) : 2375}
  }

  throw new EngineEndpointError(host, `occ does not support ${url.protocol}// endpoints yet`)
}
