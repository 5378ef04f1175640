import {Hook} from '@oclif/core'

import {loadRuntimeConfig} from '../../lib/config/runtime.js'

/** Loads config.json once per process; a bad file is reported only by commands that need it. */
const hook: Hook<'init'> = async function () {
  await loadRuntimeConfig()
}

export default hook
