/**
 * The npm package (issue 10): `npm pack` from the checkout (prepack builds dist/), installed
 * globally into a temporary prefix as a user would, then the installed `occ` runs, a CommonJS
 * script loads the public API, and a third-party plugin links against the installed occ. The
 * installed size is printed so README can quote it.
 */
import {expect} from 'chai'
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {ROOT} from './helpers/run-cli.js'

const PLUGIN = fileURLToPath(new URL('../fixtures/plugins/occ-plugin-hello', import.meta.url))

function run(
  command: string,
  args: string[],
  options: {cwd?: string; env?: NodeJS.ProcessEnv} = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: 300_000,
  })
  if (result.error) throw result.error
  return result
}

describe('the npm package (npm pack, npm install -g from the tarball)', function () {
  this.timeout(600_000)
  let dir: string
  let tarball: string
  let installed: string
  let env: NodeJS.ProcessEnv

  const occ = (...args: string[]) => run(join(dir, 'prefix', 'bin', 'occ'), args, {cwd: dir, env})

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'occ-package-'))
    const packed = run('npm', ['pack', '--pack-destination', dir])
    expect(packed.status, packed.stderr).to.equal(0)
    tarball = join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz')) ?? 'no tarball')
    const install = run(
      'npm',
      ['install', '--global', '--prefix', join(dir, 'prefix'), '--no-audit', '--no-fund', '--prefer-offline', tarball],
      {cwd: dir},
    )
    expect(install.status, install.stderr).to.equal(0)
    installed = join(dir, 'prefix', 'lib', 'node_modules', 'opencode-cloud')
    env = {
      ...process.env,
      HOME: join(dir, 'home'),
      OCC_CACHE_DIR: join(dir, 'cache'),
      OCC_CONFIG_DIR: join(dir, 'config'),
      OCC_DATA_DIR: join(dir, 'data'),
      OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
      // The installed CLI needs only a Node >= 22 on PATH: this run's.
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    }
    mkdirSync(env.HOME as string)
  })

  after(function () {
    if (installed) {
      const size = run('du', ['-sk', installed]).stdout.split('\t')[0]
      const tarSize = run('du', ['-k', tarball]).stdout.split('\t')[0]
      console.log(`      installed size: ${size} KiB with its dependencies (tarball ${tarSize} KiB)`)
    }

    rmSync(dir, {force: true, recursive: true})
  })

  it('ships dist/, the manifest, the Dockerfile and LICENSE, and no sources, tests or bin/dev.js', function () {
    const files = run('tar', ['-tzf', tarball]).stdout.split('\n').filter(Boolean)
    expect(files).to.include.members([
      'package/bin/run.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/commands/image/pull.js',
      'package/oclif.manifest.json',
      'package/docker/Dockerfile',
      'package/LICENSE',
      'package/README.md',
    ])
    expect(
      files.filter((file) => /^package\/(src|test|bench|scripts)\/|^package\/bin\/dev\.js$/.test(file)),
    ).to.deep.equal([])
  })

  it('installs no dependency the CLI does not load (dockerode, gRPC)', function () {
    const installedDependencies = readdirSync(join(installed, 'node_modules'))
    expect(installedDependencies).not.to.include.members(['dockerode'])
    expect(installedDependencies).not.to.include('@grpc')
  })

  it('the installed occ answers --version, config list and image pull --help', function () {
    const version = occ('--version')
    expect(version.status, version.stderr).to.equal(0)
    expect(version.stdout).to.match(/^opencode-cloud\/\d+\.\d+\.\d+ \S+ node-v(\d+)\./)
    expect(Number(/node-v(\d+)\./.exec(version.stdout)?.[1])).to.be.at.least(22)
    const list = occ('config', 'list', '--json')
    expect(list.status, list.stderr).to.equal(0)
    expect((JSON.parse(list.stdout) as {key: string}[]).map((entry) => entry.key)).to.include('image_source')
    const help = occ('image', 'pull', '--help')
    expect(help.status, help.stderr).to.equal(0)
    expect(help.stdout).to.include('$ occ image pull')
  })

  it('a CommonJS script loads the public API (exports has a default condition)', function () {
    const script =
      `const occ = require(${JSON.stringify(installed)}); ` +
      "process.stdout.write(typeof occ.readConfig + ' ' + occ.readConfig().image_source)"
    const loaded = run(process.execPath, ['-e', script], {cwd: dir, env})
    expect(loaded.status, loaded.stderr).to.equal(0)
    expect(loaded.stdout).to.equal('function prebuilt')
  })

  it('a third-party plugin links against the installed occ and reads its config', function () {
    const plugin = join(dir, 'occ-plugin-hello')
    cpSync(PLUGIN, plugin, {filter: (source) => !source.includes('node_modules'), recursive: true})
    // What `npm install` would give the plugin: occ's public API and occ's own @oclif/core.
    mkdirSync(join(plugin, 'node_modules', '@oclif'), {recursive: true})
    symlinkSync(installed, join(plugin, 'node_modules', 'opencode-cloud'), 'dir')
    symlinkSync(
      join(installed, 'node_modules', '@oclif', 'core'),
      join(plugin, 'node_modules', '@oclif', 'core'),
      'dir',
    )
    const linked = occ('plugins', 'link', plugin, '--no-install')
    expect(linked.status, linked.stderr).to.equal(0)
    const greeted = occ('hello', 'greet', '--name', 'package')
    expect(greeted.status, greeted.stderr).to.equal(0)
    expect(greeted.stdout).to.equal('hi, package! (calm; occ pulls prebuilt images)\n')
  })
})
