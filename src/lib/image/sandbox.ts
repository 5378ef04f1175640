import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {ImageDetails} from '../docker/engine.js'

import {printable} from '../printable.js'

interface PackageFacts {
  version?: unknown
  opencodeCloud?: {localImageName?: unknown; sandboxVersion?: unknown}
}

// Same relative path from src/lib/image and dist/lib/image.
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as PackageFacts

function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value) throw new Error(`package.json has no ${name}`)
  return value
}

/** The sandbox image version this CLI is made for (DESIGN §5), declared once in package.json. */
export const WANTED_SANDBOX_VERSION = required(pkg.opencodeCloud?.sandboxVersion, 'opencodeCloud.sandboxVersion')
/** The local name every acquired image is tagged with, whichever registry served it. */
export const LOCAL_IMAGE_NAME = required(pkg.opencodeCloud?.localImageName, 'opencodeCloud.localImageName')
export const CLI_VERSION = required(pkg.version, 'version')

/** The local tags occ manages: the image in use and the one it replaced (for rollback). */
export type LocalSlot = 'current' | 'previous'

export function localReference(slot: LocalSlot): string {
  return `${LOCAL_IMAGE_NAME}:${slot}`
}

export const VERSION_LABEL = 'org.opencode-cloud.version'
const OCI_VERSION_LABEL = 'org.opencontainers.image.version'
/** Set to "build" on images occ built from source. */
export const SOURCE_LABEL = 'org.opencode-cloud.source'

/** An image's own version from its labels (ours first, then the OCI one), as printable text: a registry chose it. */
export function versionFromLabels(labels: Record<string, string> | null | undefined): string | undefined {
  const version = labels?.[VERSION_LABEL] || labels?.[OCI_VERSION_LABEL]
  return typeof version === 'string' && version ? printable(version) : undefined
}

export function imageVersion(image: ImageDetails): string | undefined {
  return versionFromLabels(image.Config?.Labels)
}

/** The sandbox Dockerfile and build context shipped in the package (same path from src/ and dist/). */
export const SANDBOX_BUILD_CONTEXT = fileURLToPath(new URL('../../../docker/', import.meta.url))
