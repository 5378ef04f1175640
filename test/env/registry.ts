/**
 * Just enough of the registry HTTP API (distribution v2) to seed images, move tags and delete
 * manifests: blob uploads (POST + PUT with digest), manifest PUT/HEAD/DELETE.
 */
import {type Blob, type BuiltImage, MEDIA_TYPES} from './image.js'

export interface RegistryEndpoint {
  /** host:port, plain HTTP (loopback). */
  address: string
  credentials?: {username: string; password: string}
}

const MANIFEST_ACCEPT = [
  MEDIA_TYPES.manifest,
  MEDIA_TYPES.manifestList,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ')

export class RegistryClient {
  constructor(private readonly endpoint: RegistryEndpoint) {}

  get address(): string {
    return this.endpoint.address
  }

  /** Pushes layers and config (skipping blobs the registry has), then the manifest under `reference`. */
  async pushImage(repository: string, reference: string, image: BuiltImage): Promise<void> {
    await Promise.all([...image.layers, image.config].map((blob) => this.pushBlob(repository, blob)))
    await this.putManifest(repository, reference, image.manifest, MEDIA_TYPES.manifest)
  }

  async pushBlob(repository: string, blob: Blob): Promise<void> {
    const head = await this.request('HEAD', `/v2/${repository}/blobs/${blob.digest}`)
    if (head.status === 200) return
    const start = await this.request('POST', `/v2/${repository}/blobs/uploads/`)
    await expectStatus(start, 202, `start upload of ${blob.digest}`)
    const location = start.headers.get('location')
    if (!location) throw new Error(`registry ${this.address} gave no upload location for ${blob.digest}`)
    const url = new URL(location, this.baseUrl)
    url.searchParams.set('digest', blob.digest)
    const put = await this.request('PUT', url.pathname + url.search, {
      body: blob.data,
      headers: {'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size)},
    })
    await expectStatus(put, 201, `upload of ${blob.digest}`)
  }

  async putManifest(repository: string, reference: string, manifest: Blob, mediaType: string): Promise<void> {
    const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      body: manifest.data,
      headers: {'Content-Type': mediaType},
    })
    await expectStatus(response, 201, `manifest ${repository}:${reference}`)
    const digest = response.headers.get('docker-content-digest')
    if (digest && digest !== manifest.digest) {
      throw new Error(
        `registry ${this.address} stored ${repository}:${reference} as ${digest}, expected ${manifest.digest}`,
      )
    }
  }

  /** The manifest digest a tag points at, or undefined when the tag does not exist. */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, {
      headers: {Accept: MANIFEST_ACCEPT},
    })
    if (response.status === 404) return undefined
    await expectStatus(response, 200, `HEAD ${repository}:${reference}`)
    return response.headers.get('docker-content-digest') ?? undefined
  }

  /**
   * Deletes the manifest a tag or digest names. Distribution 2.8 deletes by digest only, so every
   * tag pointing at the same manifest goes too. Returns the deleted digest, or undefined if absent.
   */
  async deleteManifest(repository: string, reference: string): Promise<string | undefined> {
    const digest = reference.startsWith('sha256:') ? reference : await this.manifestDigest(repository, reference)
    if (!digest) return undefined
    const response = await this.request('DELETE', `/v2/${repository}/manifests/${digest}`)
    if (response.status === 404) {
      await response.arrayBuffer()
      return undefined
    }
    await expectStatus(response, 202, `DELETE ${repository}@${digest}`)
    return digest
  }

  async tags(repository: string): Promise<string[]> {
    const response = await this.request('GET', `/v2/${repository}/tags/list`)
    if (response.status === 404) {
      await response.arrayBuffer()
      return []
    }
    if (response.status !== 200) await expectStatus(response, 200, `tags of ${repository}`)
    const body = (await response.json()) as {tags?: string[] | null}
    return body.tags ?? []
  }

  /** Status of GET /v2/ (200, or 401 when credentials are needed and missing). */
  async ping(): Promise<number> {
    const response = await this.request('GET', '/v2/')
    await response.arrayBuffer()
    return response.status
  }

  private get baseUrl(): string {
    return `http://${this.address}`
  }

  private async request(
    method: string,
    path: string,
    init: {body?: Buffer; headers?: Record<string, string>} = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {...init.headers}
    const {credentials} = this.endpoint
    if (credentials) {
      headers.Authorization =
        'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    }
    return fetch(new URL(path, this.baseUrl), {body: init.body, headers, method})
  }
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) {
    if (response.body) await response.arrayBuffer()
    return
  }
  const text = (await response.text()).slice(0, 500)
  throw new Error(`registry request failed (${what}): HTTP ${response.status} ${text}`)
}
