/**
 * Builds Docker schema2 images in memory, without docker build and without any network:
 * deterministic tar layers (gzip), an image config with version labels, and the manifest.
 * The same spec always gives the same bytes, hence the same digests.
 */
import {createCipheriv, createHash} from 'node:crypto'
import {promisify} from 'node:util'
import {gzip as gzipCallback} from 'node:zlib'

import {LABELS} from './seeds.js'

const gzip = promisify(gzipCallback)

export const MEDIA_TYPES = {
  manifest: 'application/vnd.docker.distribution.manifest.v2+json',
  manifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  config: 'application/vnd.docker.container.image.v1+json',
  layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const

export type Architecture = 'amd64' | 'arm64'

export interface ImageSpec {
  /** Determines every byte of the image. */
  seed: string
  /** Written to LABELS.version and LABELS.ociVersion. */
  version: string
  /** Number of layers (default 3). */
  layers?: number
  /** Incompressible payload per layer in bytes (default: none, a few small text files only). */
  layerBytes?: number
  architecture?: Architecture
  /** Extra labels (they win over the defaults). */
  labels?: Record<string, string>
}

export interface Blob {
  digest: string
  size: number
  data: Buffer
}

export interface BuiltImage {
  layers: Blob[]
  config: Blob
  manifest: Blob
  /** sha256 of each uncompressed layer tar, as in config.rootfs.diff_ids. */
  diffIds: string[]
}

const CREATED = '2026-01-01T00:00:00Z'
const MTIME = Math.floor(Date.parse(CREATED) / 1000)

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

export function blobOf(data: Buffer): Blob {
  return {data, digest: sha256(data), size: data.length}
}

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const layerCount = spec.layers ?? 3
  if (layerCount < 1) throw new Error(`an image needs at least one layer (got ${layerCount})`)
  const tars = Array.from({length: layerCount}, (_, index) => layerTar(spec, index))
  // Random payloads do not compress: level 1 is as good as 9 and much faster.
  const layers = await Promise.all(
    tars.map(async (tar) => ({tar, gzipped: await gzip(tar, {level: spec.layerBytes ? 1 : 6})})),
  )
  return assembleImage(
    layers,
    {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/opt/sandbox/bin/sandbox'],
      Labels: {
        [LABELS.version]: spec.version,
        [LABELS.ociVersion]: spec.version,
        [LABELS.seed]: spec.seed,
        ...spec.labels,
      },
    },
    spec.architecture ?? 'amd64',
    spec.seed,
  )
}

/** The `config` of an image config: what a container made from the image runs with. */
export interface ContainerConfig {
  Env: string[]
  Cmd?: string[]
  Entrypoint?: string[]
  Labels: Record<string, string>
  ExposedPorts?: Record<string, Record<string, never>>
  /** Durations in nanoseconds, as the engine stores them. */
  Healthcheck?: {Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number}
  WorkingDir?: string
}

/** A layer as its uncompressed tar (for diff_ids) and its gzip (the blob). */
export interface LayerData {
  tar: Buffer
  gzipped: Buffer
}

/** A layer of the given entries, gzipped. */
export async function layerOf(entries: TarEntry[]): Promise<LayerData> {
  const data = tar(entries)
  return {gzipped: await gzip(data), tar: data}
}

/** The config and manifest over finished layers; `name` goes into the history entries. */
export function assembleImage(
  layerData: LayerData[],
  containerConfig: ContainerConfig,
  architecture: Architecture,
  name: string,
): BuiltImage {
  const layers = layerData.map((layer) => blobOf(layer.gzipped))
  const diffIds = layerData.map((layer) => sha256(layer.tar))
  const imageConfig = {
    architecture,
    os: 'linux',
    created: CREATED,
    config: containerConfig,
    rootfs: {type: 'layers', diff_ids: diffIds},
    history: diffIds.map((_, index) => ({created: CREATED, created_by: `occ test env: ${name} layer ${index + 1}`})),
  }
  const config = blobOf(Buffer.from(JSON.stringify(imageConfig)))
  const manifest = blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifest,
        config: {mediaType: MEDIA_TYPES.config, size: config.size, digest: config.digest},
        layers: layers.map((layer) => ({mediaType: MEDIA_TYPES.layer, size: layer.size, digest: layer.digest})),
      }),
    ),
  )
  return {config, diffIds, layers, manifest}
}

/** A multi-arch index (Docker manifest list) pointing at already built images. */
export function buildIndex(entries: {architecture: Architecture; manifest: Blob}[]): Blob {
  return blobOf(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.manifestList,
        manifests: entries.map(({architecture, manifest}) => ({
          mediaType: MEDIA_TYPES.manifest,
          size: manifest.size,
          digest: manifest.digest,
          platform: {architecture, os: 'linux', ...(architecture === 'arm64' ? {variant: 'v8'} : {})},
        })),
      }),
    ),
  )
}

export interface TarEntry {
  /** A directory when it ends with '/'. */
  path: string
  data?: Buffer
  /** Default 0o755 for directories, 0o644 for files. */
  mode?: number
  /** Makes the entry a symbolic link to this target. */
  symlink?: string
}

function layerTar(spec: ImageSpec, index: number): Buffer {
  const layerSeed = `${spec.seed}/${spec.architecture ?? 'amd64'}/${spec.version}/layer-${index + 1}`
  const dir = `opt/sandbox/layer-${index + 1}`
  const entries: TarEntry[] = [{path: 'opt/'}, {path: 'opt/sandbox/'}, {path: `${dir}/`}]
  const fileCount = 2 + (index % 3)
  for (let file = 1; file <= fileCount; file++) {
    entries.push({path: `${dir}/file-${file}.txt`, data: textContent(`${layerSeed}/file-${file}`, 512 + file * 700)})
  }
  if (index === 0) {
    entries.push({path: 'opt/sandbox/SEED', data: Buffer.from(`${spec.seed}\n${spec.version}\n`)})
  }
  if (spec.layerBytes) {
    entries.push({path: `${dir}/payload.bin`, data: randomBytesFrom(layerSeed, spec.layerBytes)})
  }
  return tar(entries)
}

/** Readable, seed-dependent text: lines of chained sha256 hex. */
function textContent(seed: string, bytes: number): Buffer {
  const lines: string[] = []
  let length = 0
  let hash = seed
  while (length < bytes) {
    hash = createHash('sha256').update(hash).digest('hex')
    lines.push(hash)
    length += hash.length + 1
  }
  return Buffer.from(`${lines.join('\n')}\n`)
}

/** Deterministic incompressible bytes: the AES-256-CTR keystream keyed by the seed (~1 GB/s). */
export function randomBytesFrom(seed: string, bytes: number): Buffer {
  const key = createHash('sha256').update(seed).digest()
  const iv = createHash('md5').update(seed).digest()
  return createCipheriv('aes-256-ctr', key, iv).update(Buffer.alloc(bytes))
}

const BLOCK = 512

/** A minimal ustar archive: directories (path ends with '/'), regular files and symlinks, owned by root. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const isDir = entry.path.endsWith('/')
    const data = isDir || entry.symlink !== undefined ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0))
    const type = isDir ? '5' : entry.symlink === undefined ? '0' : '2'
    parts.push(
      tarHeader(
        entry.path,
        data.length,
        type,
        entry.mode ?? (isDir ? 0o755 : entry.symlink === undefined ? 0o644 : 0o777),
        entry.symlink,
      ),
    )
    if (data.length > 0) {
      parts.push(data)
      const padding = (BLOCK - (data.length % BLOCK)) % BLOCK
      if (padding) parts.push(Buffer.alloc(padding))
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}

function tarHeader(path: string, size: number, type: '0' | '2' | '5', mode: number, linkName = ''): Buffer {
  if (Buffer.byteLength(path) > 100 || Buffer.byteLength(linkName) > 100)
    throw new Error(`tar path too long for this writer: ${path}`)
  const header = Buffer.alloc(BLOCK)
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0'
  header.write(path, 0, 100, 'utf8')
  header.write(octal(mode, 8), 100, 8, 'ascii')
  header.write(octal(0, 8), 108, 8, 'ascii')
  header.write(octal(0, 8), 116, 8, 'ascii')
  header.write(octal(size, 12), 124, 12, 'ascii')
  header.write(octal(MTIME, 12), 136, 12, 'ascii')
  header.write(' '.repeat(8), 148, 8, 'ascii')
  header.write(type, 156, 1, 'ascii')
  header.write(linkName, 157, 100, 'utf8')
  header.write('ustar\0', 257, 6, 'ascii')
  header.write('00', 263, 2, 'ascii')
  header.write('root', 265, 32, 'ascii')
  header.write('root', 297, 32, 'ascii')
  let checksum = 0
  for (const byte of header) checksum += byte
  header.write(checksum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii')
  return header
}
