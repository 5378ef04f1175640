import type {ValidateFunction} from 'ajv'

import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

/** Written next to this module by `npm run build` (scripts/build-validator.ts). */
export const PRECOMPILED_VALIDATOR = 'validate-config.cjs'

const precompiled = fileURLToPath(new URL(PRECOMPILED_VALIDATOR, import.meta.url))
// Synchronous (require, not a top-level await), so CommonJS plugins can require() the public API.
const load = createRequire(import.meta.url)

// The build ships a precompiled validator: ajv itself costs ~40 ms of startup. Running from
// src (tests, bin/dev.js) there is none, so the same schema is compiled here instead.
export const validateConfigSchema: ValidateFunction = existsSync(precompiled)
  ? (load(precompiled) as ValidateFunction)
  : (load('./ajv.js') as typeof import('./ajv.js')).createConfigAjv().validate
