import {expect} from 'chai'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {ImageState} from '../../../src/lib/image/state.js'

import {resolveEngineEndpoint} from '../../../src/lib/docker/endpoint.js'
import {ImageStateStore} from '../../../src/lib/image/state-store.js'
import {engineSlug, imageStateFile} from '../../../src/lib/image-record-path.js'
import {useTempDir} from '../helpers/temp-dir.js'

const RECORD: ImageState = {
  acquired_at: '2026-01-24T23:15:28.000Z',
  cli_version: '0.1.0',
  digest: `sha256:${'d'.repeat(64)}`,
  image: '127.0.0.1:5001/prizz/opencode-cloud-sandbox:25.1.3',
  image_id: `sha256:${'a'.repeat(64)}`,
  registry: '127.0.0.1:5001',
  source: 'prebuilt',
  version: '25.1.3',
}

describe('ImageStateStore', () => {
  let dir: string
  let file: string
  let warnings: string[]
  let store: ImageStateStore

  const temp = useTempDir('occ-state-')
  beforeEach(() => {
    dir = temp.path
    file = join(dir, 'data', 'image-state.json')
    warnings = []
    store = new ImageStateStore(file, (message) => warnings.push(message))
  })

  it('reads no record when there is no file', async () => {
    expect(await store.read()).to.equal(undefined)
  })

  it('writes the record as JSON under the lock and reads it back', async () => {
    await store.transaction((transaction) => transaction.write(RECORD))
    expect(await store.read()).to.deep.equal(RECORD)
    const text = await readFile(file, 'utf8')
    expect(JSON.parse(text)).to.deep.equal(RECORD)
    expect(await readdir(join(dir, 'data'))).to.deep.equal(['image-state.json'])
  })

  it('removes the record, idempotently', async () => {
    await store.transaction((transaction) => transaction.write(RECORD))
    expect(await store.transaction((transaction) => transaction.remove())).to.equal(true)
    expect(await store.transaction((transaction) => transaction.remove())).to.equal(false)
    expect(await store.read()).to.equal(undefined)
  })

  for (const [name, content] of [
    ['truncated JSON', '{"version": "25.1.3", "sou'],
    ['an empty file', ''],
    ['binary bytes', '\u0000\u0001\u00ff\u00fe'],
    ['JSON of the wrong shape', '[1, 2, 3]'],
    ['a record with wrong types', '{"version": 1, "source": "prebuilt", "acquired_at": "t"}'],
  ] as const) {
    it(`moves ${name} aside with a warning and reads no record`, async () => {
      await store.transaction((transaction) => transaction.write(RECORD))
      await writeFile(file, content)
      expect(await store.read()).to.equal(undefined)
      const names = await readdir(join(dir, 'data'))
      const aside = names.filter((entry) =>
        /^image-state\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/.test(entry),
      )
      expect(aside, names.join(', ')).to.have.length(1)
      expect(names).to.not.include('image-state.json')
      expect(await readFile(join(dir, 'data', aside[0]), 'utf8')).to.equal(content)
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(
        /^Warning: the image record .* (?:was unreadable|is invalid) .*moved it to .*corrupt-/,
      )
    })
  }

  it('moves a corrupt file aside inside a transaction too', async () => {
    await store.transaction((transaction) => transaction.write(RECORD))
    await writeFile(file, '{')
    const read = await store.transaction((transaction) => transaction.read())
    expect(read).to.equal(undefined)
    expect(warnings).to.have.length(1)
  })

  it('serializes transactions of two stores on the same file', async () => {
    const other = new ImageStateStore(file)
    const order: string[] = []
    let waited = false
    const first = store.transaction(async () => {
      order.push('first start')
      await new Promise((resolve) => setTimeout(resolve, 300))
      order.push('first end')
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const second = other.transaction(
      async () => {
        order.push('second')
      },
      {onWait: () => (waited = true), pollMs: 20},
    )
    await Promise.all([first, second])
    expect(order).to.deep.equal(['first start', 'first end', 'second'])
    expect(waited).to.equal(true)
  })
})

describe('image records per engine', () => {
  let dir: string
  const temp = useTempDir('occ-state-')
  beforeEach(() => {
    dir = temp.path
  })

  it('keeps image-state.json for the default local engine and gives every other engine a file of its own', () => {
    const env = {OCC_DATA_DIR: dir}
    expect(imageStateFile(env, 'unix:///var/run/docker.sock')).to.equal(join(dir, 'image-state.json'))
    expect(imageStateFile({...env, DOCKER_CONFIG: dir})).to.equal(join(dir, 'image-state.json'))
    const tcp = imageStateFile(env, 'tcp://127.0.0.1:2376')
    expect(tcp).to.match(new RegExp(`^${dir}/image-state\\.d/tcp-127\\.0\\.0\\.1-2376-[0-9a-f]{12}\\.json$`))
    expect(imageStateFile({...env, DOCKER_HOST: 'tcp://127.0.0.1:2376'})).to.equal(tcp)
    expect(imageStateFile(env, 'tcp://127.0.0.1:2377')).to.not.equal(tcp)
    expect(engineSlug('unix:///run/user/1000/docker.sock')).to.match(/^unix-run-user-1000-docker\.sock-[0-9a-f]{12}$/)
  })

  it('on Windows: image-state.json for the default pipe, a Windows-safe file under %LOCALAPPDATA% for others', () => {
    const env = {LOCALAPPDATA: String.raw`C:\Users\me\AppData\Local`}
    const data = String.raw`C:\Users\me\AppData\Local\opencode-cloud`
    expect(imageStateFile(env, 'npipe:////./pipe/docker_engine', 'win32')).to.equal(`${data}\\image-state.json`)
    expect(imageStateFile({...env, DOCKER_CONFIG: dir}, undefined, 'win32')).to.equal(`${data}\\image-state.json`)
    const other = imageStateFile(env, 'npipe:////./pipe/dockerDesktopLinuxEngine', 'win32')
    expect(other).to.match(
      new RegExp(
        /^C:\\Users\\me\\AppData\\Local\\opencode-cloud\\/.source +
          /image-state\.d\\npipe-\.-pipe-dockerDesktopLinuxEngine-[0-9a-f]{12}\.json$/.source,
      ),
    )
    // No character Windows forbids in a name (<>:"/\|?*), and no trailing dot or space.
    expect(engineSlug('npipe:////./pipe/docker_engine')).to.match(/^[\w.-]+[0-9a-f]$/)
    expect(imageStateFile(env, 'unix:///var/run/docker.sock', 'win32')).to.not.equal(`${data}\\image-state.json`)
  })

  it('stamps every record it writes with its engine, and returns what it wrote', async () => {
    const endpoint = resolveEngineEndpoint({DOCKER_HOST: 'tcp://127.0.0.1:2376'})
    const store = ImageStateStore.forEngine(endpoint, () => {}, {OCC_DATA_DIR: dir})
    const written = await store.transaction((transaction) => transaction.write(RECORD))
    expect(written).to.deep.equal({...RECORD, engine: 'tcp://127.0.0.1:2376'})
    expect(JSON.parse(await readFile(store.file, 'utf8'))).to.deep.equal(written)
    expect(await store.read()).to.deep.equal(written)
  })

  it('does not take a record naming another engine for its own', async () => {
    const warnings: string[] = []
    const store = new ImageStateStore(
      join(dir, 'image-state.json'),
      (message) => warnings.push(message),
      'unix:///var/run/docker.sock',
    )
    await writeFile(store.file, JSON.stringify({...RECORD, engine: 'tcp://10.0.0.5:2376'}))
    expect(await store.read()).to.equal(undefined)
    expect(warnings).to.deep.equal([
      `Warning: the image record ${store.file} describes the engine at tcp://10.0.0.5:2376, ` +
        'not unix:///var/run/docker.sock; ignoring it.',
    ])
    // The original tool's record names no engine: it is the default engine's.
    await writeFile(
      store.file,
      JSON.stringify({acquired_at: RECORD.acquired_at, registry: 'ghcr.io', source: 'prebuilt', version: '25.1.3'}),
    )
    expect(await store.read()).to.deep.include({version: '25.1.3'})
  })
})
