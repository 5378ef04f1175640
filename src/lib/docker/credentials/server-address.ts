import {DOCKER_HUB, DOCKER_HUB_HOSTS, DOCKER_HUB_SERVER_ADDRESS} from '../docker-hub.js'

/**
 * The server address docker asks credential helpers about and looks up in `auths`: Docker
 * Hub's index URL for docker.io, else the registry host with its port.
 */
export function credentialServerAddress(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_SERVER_ADDRESS : registry
}

/** The host of a config.json key: "https://host:5000/v1/" → "host:5000" (docker's ConvertToHostname). */
export function keyHost(key: string): string {
  return key
    .replace(/^https?:\/\//i, '')
    .split('/')[0]
    .toLowerCase()
}

/** Whether a key of `auths` or `credHelpers` names `registry`: exactly its server address, or its host. */
export function keyNamesRegistry(key: string, registry: string): boolean {
  if (key === credentialServerAddress(registry)) return true
  const host = keyHost(key)
  return registry === DOCKER_HUB ? DOCKER_HUB_HOSTS.has(host) : host === registry.toLowerCase()
}

/** The key of `entries` for `registry`: the exact server address first, then the first key with its host. */
export function keyFor(entries: Record<string, unknown> | undefined, registry: string): string | undefined {
  const keys = Object.keys(entries ?? {})
  return (
    keys.find((key) => key === credentialServerAddress(registry)) ?? keys.find((key) => keyNamesRegistry(key, registry))
  )
}
