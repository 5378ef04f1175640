import {Ajv, type Options, type ValidateFunction} from 'ajv'

import {ANNOTATION_KEYWORDS, configSchema} from './schema.js'

/** The one ajv setup for config values: occ's schema and the keys plugins contribute are read alike. */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({useDefaults: true, allowUnionTypes: true, ...options})
  ajv.addVocabulary([...ANNOTATION_KEYWORDS])
  return ajv
}

/** The validator of config.json, shared by the build-time precompiler and the dev fallback. */
export function createConfigAjv(options: Options = {}): {ajv: Ajv; validate: ValidateFunction} {
  const ajv = createAjv(options)
  return {ajv, validate: ajv.compile(configSchema)}
}
