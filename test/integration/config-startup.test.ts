import {expect} from 'chai'

import {moduleLog} from './helpers/module-log.js'
import {runCli, useCliHome} from './helpers/run-cli.js'

/**
 * Image-only modules, and the ones occ keeps off its startup path (ajv is precompiled, jsonc-parser
 * only for JSONC).
 */
const NOT_LOADED = [
  'dockerode',
  'docker-modem',
  'ssh2',
  'lowdb',
  'steno',
  'cli-progress',
  'proper-lockfile',
  'ajv',
  'jsonc-parser',
]

describe('occ config get startup', () => {
  const home = useCliHome()

  it("loads no Docker, image-state, progress, lock, ajv or JSONC module, nor occ's engine and image code", async () => {
    const log = moduleLog(home.dir)
    const result = await runCli(['config:get', 'image_source'], {env: {...home.env, ...log.env}})
    expect(result).to.include({stdout: 'prebuilt\n', code: 0})

    const modules = log.modules()
    expect(
      modules.some((module) => module.includes('/dist/commands/config/get.js')),
      'the recorder saw the command',
    ).to.equal(true)
    expect(
      modules.some((module) => module.includes('/node_modules/@oclif/core/lib/')),
      'the recorder saw CommonJS',
    ).to.equal(true)
    const heavy = modules.filter((module) => NOT_LOADED.some((name) => module.includes(`/node_modules/${name}/`)))
    expect(heavy).to.deep.equal([])
    expect(
      modules.filter((module) => /\/dist\/lib\/(docker|image)\//.test(module)),
      "occ's engine and image modules",
    ).to.deep.equal([])
  })
})
