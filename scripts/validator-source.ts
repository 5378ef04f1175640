/** The precompiled config validator's source (ajv standalone, CommonJS): one definition for the build and its test. */
import standalone from 'ajv/dist/standalone/index.js'

import {createConfigAjv} from '../src/lib/config/ajv.js'

export function precompiledValidatorSource(): string {
  const {ajv, validate} = createConfigAjv({code: {source: true, esm: false}})
  // A CommonJS module under Node16 resolution: its default export is the module object.
  return standalone.default(ajv, validate)
}
