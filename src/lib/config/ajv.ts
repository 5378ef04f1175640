import {Ajv, type Options, type ValidateFunction} from 'ajv'

import {ANNOTATION_KEYWORDS, configSchema} from './schema.js'

/** The one ajv setup for config.json, shared by the build-time precompiler and the dev fallback. */
export function createConfigAjv(options: Options = {}): {ajv: Ajv; validate: ValidateFunction} {
  const ajv = new Ajv({useDefaults: true, allowUnionTypes: true, ...options})
  ajv.addVocabulary([...ANNOTATION_KEYWORDS])
  return {ajv, validate: ajv.compile(configSchema)}
}
