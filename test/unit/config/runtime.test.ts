import {expect} from 'chai'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {getLoadedConfig, getRuntimeConfig, loadRuntimeConfig} from '../../../src/lib/config/runtime.js'
import {OccError} from '../../../src/lib/errors.js'
import {useTempDir} from '../helpers/temp-dir.js'

describe('runtime config', () => {
  let dir: string
  const saved = process.env.OCC_CONFIG_DIR

  const temp = useTempDir('occ-runtime-')
  beforeEach(() => {
    dir = temp.path
    process.env.OCC_CONFIG_DIR = dir
  })

  afterEach(() => {
    process.env.OCC_CONFIG_DIR = saved
    if (saved === undefined) delete process.env.OCC_CONFIG_DIR
  })

  it('hands the validated config to commands', async () => {
    writeFileSync(join(dir, 'config.json'), '{"image_source": "build"}')
    await loadRuntimeConfig()
    expect(getRuntimeConfig()).to.include({image_source: 'build', update_check: 'always'})
  })

  it('never throws while loading, and gives the stored config error to whoever asks', async () => {
    writeFileSync(join(dir, 'config.json'), '{"image_source": "docker"}')
    await loadRuntimeConfig()
    let thrown: unknown
    try {
      getRuntimeConfig()
    } catch (error) {
      thrown = error
    }

    expect(thrown).to.be.instanceOf(OccError).and.include({kind: 'config', code: 'config_invalid_value', exitCode: 3})
  })

  it('refuses a key nobody knows to the commands that act on the config, and lists it for config:*', async () => {
    writeFileSync(join(dir, 'config.json'), '{"imge_source": "build"}')
    await loadRuntimeConfig()
    expect(getLoadedConfig().unknown).to.deep.equal({imge_source: 'build'})
    expect(() => getRuntimeConfig())
      .to.throw(OccError, 'Unknown key "imge_source"')
      .with.property('exitCode', 3)
  })
})
