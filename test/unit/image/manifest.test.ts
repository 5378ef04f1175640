import {expect} from 'chai'

import {
  MANIFEST_MEDIA_TYPES,
  parseManifest,
  type PlatformEntry,
  selectPlatform,
} from '../../../src/lib/image/manifest.js'

const entry = (architecture: string, digest: string, variant?: string, os = 'linux'): PlatformEntry => ({
  architecture,
  digest,
  os,
  ...(variant ? {variant} : {}),
})

describe('parseManifest', () => {
  it('reads an image manifest (docker or OCI) as its config digest', () => {
    expect(parseManifest({config: {digest: 'sha256:c'}, mediaType: MANIFEST_MEDIA_TYPES.dockerManifest})).to.deep.equal(
      {configDigest: 'sha256:c', kind: 'image'},
    )
    expect(
      parseManifest({config: {digest: 'sha256:c'}, schemaVersion: 2}, MANIFEST_MEDIA_TYPES.ociManifest),
    ).to.deep.equal({configDigest: 'sha256:c', kind: 'image'})
  })

  it('reads a manifest list or OCI index as its platform entries, by media type or by shape', () => {
    const manifests = [
      {digest: 'sha256:a', platform: {architecture: 'amd64', os: 'linux'}},
      {digest: 'sha256:b', platform: {architecture: 'arm64', os: 'linux', variant: 'v8'}},
      {digest: 'sha256:x'},
    ]
    const expected = {entries: [entry('amd64', 'sha256:a'), entry('arm64', 'sha256:b', 'v8')], kind: 'index'}
    expect(parseManifest({manifests, mediaType: MANIFEST_MEDIA_TYPES.dockerList})).to.deep.equal(expected)
    expect(parseManifest({manifests}, `${MANIFEST_MEDIA_TYPES.ociIndex}; charset=utf-8`)).to.deep.equal(expected)
    expect(parseManifest({manifests, schemaVersion: 2})).to.deep.equal(expected)
  })

  it('refuses what is neither', () => {
    expect(parseManifest(undefined)).to.equal(undefined)
    expect(parseManifest({schemaVersion: 1, fsLayers: []})).to.equal(undefined)
    expect(parseManifest({mediaType: MANIFEST_MEDIA_TYPES.ociIndex})).to.equal(undefined)
  })
})

describe('selectPlatform', () => {
  const index = [
    entry('unknown', 'sha256:att', undefined, 'unknown'),
    entry('arm', 'sha256:v6', 'v6'),
    entry('arm', 'sha256:v7', 'v7'),
    entry('arm64', 'sha256:arm64', 'v8'),
    entry('amd64', 'sha256:amd64'),
  ]

  it("picks the entry for the engine's os and architecture", () => {
    expect(selectPlatform(index, {architecture: 'amd64', os: 'linux'})?.digest).to.equal('sha256:amd64')
    expect(selectPlatform(index, {architecture: 'arm64', os: 'linux'})?.digest).to.equal('sha256:arm64')
  })

  it('prefers the default variant and never picks an attestation', () => {
    expect(selectPlatform(index, {architecture: 'arm', os: 'linux'})?.digest).to.equal('sha256:v7')
    expect(selectPlatform([entry('arm', 'sha256:v6', 'v6')], {architecture: 'arm', os: 'linux'})?.digest).to.equal(
      'sha256:v6',
    )
    expect(selectPlatform(index, {architecture: 'unknown', os: 'linux'})).to.equal(undefined)
    expect(selectPlatform(index, {architecture: 'amd64', os: 'windows'})).to.equal(undefined)
  })
})
