import {DOCKER_HUB, DOCKER_HUB_HOSTS} from '../docker/docker-hub.js'
import {InvalidImageReferenceError} from './errors.js'

// The grammar of github.com/distribution/reference, reduced to what occ accepts.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^\w[\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/
// A host is a name of dot-separated labels or a bracketed IPv6 address, either with an optional port.
const HOST_NAME =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$/
const HOST_IPV6 = /^\[[0-9a-fA-F:.]+](?::\d{1,5})?$/

/** True for a content digest or engine image id such as "sha256:<hex>". */
export function isDigest(text: string): boolean {
  return DIGEST.test(text)
}

/** True for a registry host with an optional port, e.g. "ghcr.io", "127.0.0.1:5001". */
export function isRegistryHost(text: string): boolean {
  return HOST_NAME.test(text) || HOST_IPV6.test(text)
}

/** A parsed image reference: registry host, repository path and an optional tag or digest. */
export interface ImageReference {
  /** Registry host with its port, e.g. "ghcr.io", "127.0.0.1:5001"; "docker.io" for Docker Hub. */
  registry: string
  /** Repository path inside the registry, e.g. "prizz/opencode-cloud-sandbox", "library/ubuntu". */
  path: string
  tag?: string
  digest?: string
}

/** Parses "host[:port]/path[:tag][@digest]" with Docker's defaults (docker.io, library/). */
export function parseImageReference(text: string): ImageReference {
  const input = text.trim()
  const fail = (problem: string): never => {
    throw new InvalidImageReferenceError(text, problem)
  }

  if (!input) fail('it is empty')
  const [name, digest, ...extra] = input.split('@')
  if (extra.length > 0) fail('it has more than one "@"')
  if (digest !== undefined && !DIGEST.test(digest)) fail(`"${digest}" is not a digest such as sha256:…`)

  const lastSlash = name.lastIndexOf('/')
  const lastColon = name.lastIndexOf(':')
  const hasTag = lastColon > lastSlash
  const repository = hasTag ? name.slice(0, lastColon) : name
  const tag = hasTag ? name.slice(lastColon + 1) : undefined
  if (tag !== undefined && !TAG.test(tag)) fail(`"${tag}" is not a valid tag`)

  const parts = repository.split('/')
  const first = parts[0]
  const hasHost =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  if (hasHost && !isRegistryHost(first)) fail(`"${first}" is not a registry host`)
  const registry = hasHost ? normalizeRegistry(first) : DOCKER_HUB
  const pathParts = hasHost ? parts.slice(1) : parts
  if (registry === DOCKER_HUB && pathParts.length === 1) pathParts.unshift('library')
  for (const component of pathParts) {
    if (!PATH_COMPONENT.test(component))
      fail(`"${component}" is not a valid repository name part (lowercase letters, digits, separators)`)
  }

  return {
    path: pathParts.join('/'),
    registry,
    ...(tag === undefined ? {} : {tag}),
    ...(digest === undefined ? {} : {digest}),
  }
}

/** A configured repository: a reference with neither tag nor digest. */
export function parseRepository(text: string): ImageReference {
  const reference = parseImageReference(text)
  if (reference.tag !== undefined || reference.digest !== undefined) {
    throw new InvalidImageReferenceError(
      text,
      'a repository in image_repositories names no tag or digest (occ adds the tag)',
    )
  }

  return reference
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag)
}

/** "registry/path", the repository's full name. */
export function repositoryName(reference: ImageReference): string {
  return `${reference.registry}/${reference.path}`
}

/** The full reference text, e.g. "ghcr.io/prizz/opencode-cloud-sandbox:25.1.3". */
export function formatReference(reference: ImageReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`
  return `${repositoryName(reference)}${tag}${digest}`
}

function normalizeRegistry(host: string): string {
  const lower = host.toLowerCase()
  return DOCKER_HUB_HOSTS.has(lower) ? DOCKER_HUB : lower
}
