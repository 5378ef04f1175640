/**
 * The public API (src/index.ts, the package root) as a plugin or script loads it: in its own
 * process, from the build, without oclif or the Docker client.
 */
import {expect} from 'chai'
import {spawnSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {moduleLog, RECORDER} from './helpers/module-log.js'
import {ROOT, useCliHome} from './helpers/run-cli.js'

const HEAVY = [
  '/node_modules/@oclif/',
  '/node_modules/dockerode/',
  '/node_modules/docker-modem/',
  '/node_modules/ssh2/',
]

describe('public API (dist/index.js)', () => {
  const home = useCliHome()

  beforeEach(() => {
    mkdirSync(home.configDir, {recursive: true})
  })

  /**
   * Runs an ES module body that has `api` (the package root) in scope; returns its stdout, stderr
   * and the modules it loaded.
   */
  function run(body: string) {
    const log = moduleLog(home.dir)
    const script =
      `const api = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)});\n` + body
    const result = spawnSync(process.execPath, ['--import', RECORDER, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {...process.env, ...home.env, OCC_TEST_MODULE_LOG: log.file},
      timeout: 30_000,
    })
    expect(result.status, result.stderr).to.equal(0)
    return {modules: log.modules(), stderr: result.stderr, stdout: result.stdout}
  }

  it('loads neither oclif nor the Docker client, and reads the effective config', () => {
    writeFileSync(home.configFile, '{"image_source": "build"}')
    const {modules, stdout} = run(
      `
      const config = api.readConfig({env: {...process.env, OCC_UPDATE_CHECK: 'never'}})
      console.log(JSON.stringify({file: api.configFile(), image_source: config.image_source, ` +
        `update_check: config.update_check, ok: api.EXIT_CODES.ok.code}))`,
    )
    expect(JSON.parse(stdout)).to.deep.equal({
      file: home.configFile,
      image_source: 'build',
      ok: 0,
      update_check: 'never',
    })
    expect(
      modules.some((module) => module.endsWith('/dist/index.js')),
      'the recorder saw the API',
    ).to.equal(true)
    expect(modules.filter((module) => HEAVY.some((name) => module.includes(name)))).to.deep.equal([])
  })

  it("throws the CLI's OccError for a bad config file", () => {
    writeFileSync(home.configFile, '{"image_source": "docker"}')
    const {stdout} = run(`
      try { api.readConfig() } catch (error) {
        console.log(JSON.stringify({isOccError: error instanceof api.OccError, ...error.toJSON()}))
      }`)
    expect(JSON.parse(stdout)).to.include({code: 'config_invalid_value', exitCode: 3, isOccError: true})
  })

  it('reads no image record as null, and a corrupt one as null with a warning', () => {
    const none = run(`console.log(JSON.stringify(await api.readImageState()))`)
    expect(none.stdout).to.equal('null\n')
    const {stdout} = run(`
      const {mkdirSync, writeFileSync} = await import('node:fs')
      const {dirname} = await import('node:path')
      mkdirSync(dirname(api.imageStateFile()), {recursive: true})
      writeFileSync(api.imageStateFile(), '{ not json')
      const warnings = []
      const state = await api.readImageState({onWarning: (message) => warnings.push(message)})
      console.log(JSON.stringify({state, warnings}))`)
    const {state, warnings} = JSON.parse(stdout) as {state: null; warnings: string[]}
    expect(state).to.equal(null)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(/^Warning: the image record .* was unreadable \(it is not valid JSON\)/)
  })
})
