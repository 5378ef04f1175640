/** Precompiles the config validator into dist (ajv standalone, CommonJS), so occ never loads ajv at run time. */
import {writeFileSync} from 'node:fs'

import {PRECOMPILED_VALIDATOR} from '../src/lib/config/validator.js'
import {precompiledValidatorSource} from './validator-source.js'

const target = new URL(`../dist/lib/config/${PRECOMPILED_VALIDATOR}`, import.meta.url)
writeFileSync(target, precompiledValidatorSource())
console.log(`wrote ${target.pathname}`)
