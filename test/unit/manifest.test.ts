import {Plugin} from '@oclif/core'
import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Command ids from the sources: src/commands/config/get.ts → config:get,
 * src/commands/autocomplete/index.ts → autocomplete.
 */
function sourceCommandIds(): string[] {
  return readdirSync(`${ROOT}src/commands`, {recursive: true, encoding: 'utf8'})
    .filter((path) => path.endsWith('.ts'))
    .map((path) =>
      path
        .replace(/\.ts$/, '')
        .replace(/\/index$/, '')
        .replaceAll('/', ':'),
    )
    .sort()
}

describe('oclif.manifest.json', () => {
  it('lists every command of src/commands with its built flags and args (run "npm run build" if stale)', async () => {
    const manifest = JSON.parse(readFileSync(`${ROOT}oclif.manifest.json`, 'utf8'))
    const plugin = new Plugin({
      root: ROOT,
      isRoot: true,
      ignoreManifest: true,
      errorOnManifestCreate: true,
      respectNoCacheDefault: true,
      type: 'core',
    })
    await plugin.load()

    expect(Object.keys(manifest.commands).sort(), 'manifest against src/commands').to.deep.equal(sourceCommandIds())
    expect(manifest.commands, 'manifest against dist/commands').to.deep.equal(
      JSON.parse(JSON.stringify(plugin.manifest.commands)),
    )
  })
})
