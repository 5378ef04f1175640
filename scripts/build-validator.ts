/**
 * Precompiles the config validator into the build output (ajv standalone, CommonJS), so occ never
 * loads ajv at run time.
 */
import {writeFileSync} from 'node:fs'
import {resolve} from 'node:path'

import {PRECOMPILED_VALIDATOR} from '../src/lib/config/validator.js'
import {precompiledValidatorSource} from './validator-source.js'

// The output directory of `tsc` (default dist): the build compiles into a fresh one and swaps it in.
const target = resolve(process.argv[2] ?? 'dist', 'lib', 'config', PRECOMPILED_VALIDATOR)
writeFileSync(target, precompiledValidatorSource())
console.log(`wrote ${target}`)
