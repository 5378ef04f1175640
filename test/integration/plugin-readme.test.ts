/**
 * README's "Writing a plugin" followed literally, as a user with occ installed by `npm i -g
 * opencode-cloud` would: its package.json and two files in a new directory, then its shell
 * steps one by one. Only the global install is stood in for (a link to this repository in a
 * private npm prefix); npm prefers its cache, so this runs offline once `npm ci` has filled it.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {ROOT} from './helpers/run-cli.js'

/** The code blocks of README's "Writing a plugin" section, in order. */
function pluginSectionBlocks(): {lang: string; text: string}[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Writing a plugin'))
  const end = section.indexOf('\n## ', 3)
  return [...(end === -1 ? section : section.slice(0, end)).matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(
    ([, lang, text]) => ({lang, text}),
  )
}

describe("README's plugin example, step by step", function () {
  this.timeout(180_000)
  let dir: string

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'occ-plugin-readme-'))
  })
  after(() => rmSync(dir, {force: true, recursive: true}))

  it('runs as written: npm link opencode-cloud, occ plugins link . --no-install, occ hello greet', () => {
    // `npm i -g opencode-cloud` into a private prefix: the package and its `occ` on PATH.
    const prefix = join(dir, 'prefix')
    mkdirSync(join(prefix, 'lib', 'node_modules'), {recursive: true})
    mkdirSync(join(prefix, 'bin'))
    symlinkSync(ROOT, join(prefix, 'lib', 'node_modules', 'opencode-cloud'), 'dir')
    symlinkSync(join(prefix, 'lib', 'node_modules', 'opencode-cloud', 'bin', 'run.js'), join(prefix, 'bin', 'occ'))

    const plugin = join(dir, 'occ-plugin-hello')
    const blocks = pluginSectionBlocks()
    const manifests = blocks.filter(({lang, text}) => lang === 'json' && text.includes('"name": "occ-plugin-hello"'))
    expect(manifests, 'one package.json of the example').to.have.length(1)
    mkdirSync(plugin)
    writeFileSync(join(plugin, 'package.json'), manifests[0].text)
    for (const {text} of blocks.filter(({lang, text}) => lang === 'js' && text.startsWith('// '))) {
      const file = join(plugin, text.slice(3, text.indexOf('\n')))
      mkdirSync(dirname(file), {recursive: true})
      writeFileSync(file, text)
    }

    const steps =
      blocks
        .filter(({lang}) => lang === 'sh')
        .at(-1)
        ?.text.trim()
        .split('\n') ?? []
    expect(steps.map((line) => line.replace(/\s+#.*$/, ''))).to.deep.equal([
      'npm link opencode-cloud',
      'occ plugins link . --no-install',
      'occ hello greet',
    ])
    const env = {
      ...process.env,
      HOME: join(dir, 'home'),
      OCC_CONFIG_DIR: join(dir, 'config'),
      OCC_DATA_DIR: join(dir, 'data'),
      OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
      PATH: [join(prefix, 'bin'), dirname(process.execPath), process.env.PATH].join(':'),
      XDG_CACHE_HOME: join(dir, 'home', 'cache'),
      XDG_DATA_HOME: join(dir, 'home', 'data'),
      npm_config_prefer_offline: 'true',
      npm_config_prefix: prefix,
    }
    mkdirSync(env.HOME)
    const outputs = steps.map((step) => {
      const result = spawnSync('sh', ['-c', step], {cwd: plugin, encoding: 'utf8', env})
      expect(result.status, `${step}\n${result.stderr}`).to.equal(0)
      return result.stdout
    })
    expect(outputs.at(-1)).to.equal('hi, world!\n')
    expect(steps.at(-1)).to.include('prints "hi, world!"')
  })
})
