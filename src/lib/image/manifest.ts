import type {EnginePlatform} from '../docker/engine.js'
import {isRecord} from '../json.js'

/** The manifest formats a registry may serve for a tag: one image, or an index of per-platform images. */
export const MANIFEST_MEDIA_TYPES = {
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
} as const

export const MANIFEST_ACCEPT = Object.values(MANIFEST_MEDIA_TYPES).join(', ')

export interface PlatformEntry {
  digest: string
  os: string
  architecture: string
  variant?: string
}

export type Manifest = {kind: 'image'; configDigest: string} | {kind: 'index'; entries: PlatformEntry[]}

/** Reads a manifest or index (by its mediaType, else its shape); undefined when it is neither. */
export function parseManifest(body: unknown, contentType?: string): Manifest | undefined {
  if (!isRecord(body)) return undefined
  const mediaType = typeof body.mediaType === 'string' ? body.mediaType : contentType?.split(';')[0].trim()
  const isIndex =
    mediaType === MANIFEST_MEDIA_TYPES.dockerList ||
    mediaType === MANIFEST_MEDIA_TYPES.ociIndex ||
    (mediaType === undefined && Array.isArray(body.manifests))
  if (isIndex) {
    if (!Array.isArray(body.manifests)) return undefined
    return {entries: body.manifests.flatMap((entry) => platformEntry(entry)), kind: 'index'}
  }

  const config = isRecord(body.config) ? body.config : undefined
  return typeof config?.digest === 'string' ? {configDigest: config.digest, kind: 'image'} : undefined
}

function platformEntry(entry: unknown): PlatformEntry[] {
  if (!isRecord(entry) || typeof entry.digest !== 'string' || !isRecord(entry.platform)) return []
  const {architecture, os, variant} = entry.platform
  if (typeof os !== 'string' || typeof architecture !== 'string') return []
  return [{architecture, digest: entry.digest, os, ...(typeof variant === 'string' ? {variant} : {})}]
}

// The variant an engine runs when it names none, as the docker CLI assumes.
const DEFAULT_VARIANT: Record<string, string | undefined> = {arm: 'v7', arm64: 'v8'}

/**
 * The index entry the engine would pull: same os and architecture, preferring the default
 * variant. Attestation entries ("unknown/unknown") never match.
 */
export function selectPlatform(entries: PlatformEntry[], platform: EnginePlatform): PlatformEntry | undefined {
  const candidates = entries.filter((entry) => entry.os === platform.os && entry.architecture === platform.architecture)
  const preferred = DEFAULT_VARIANT[platform.architecture]
  return candidates.find((entry) => entry.variant === undefined || entry.variant === preferred) ?? candidates[0]
}
