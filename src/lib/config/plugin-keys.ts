/**
 * Config keys contributed by plugins. A plugin declares them in its package.json:
 *
 *   "oclif": {"occConfig": {"properties": {
 *     "hello_greeting": {"type": "string", "default": "hi", "description": "..."}
 *   }}}
 *
 * Each key is checked here against the contract (README, "Writing a plugin"): a lower-case
 * name that is not occ's (nor an alias of one of occ's) nor already another plugin's, one of
 * occ's value types with only the keywords occ can parse, explain and validate, a description
 * and a valid default. A key that breaks the contract is refused, with the reason, and the
 * rest of occ (and of the plugin) works on: a plugin must never make occ unusable.
 */
import type {ValidateFunction} from 'ajv'

import {isRecord} from '../json.js'
import {type KeySchema, type PluginKey, type PluginKeyName, resolveCoreKey} from './schema.js'

/** What a plugin's package.json declares under `oclif.occConfig`, before any check. */
export interface PluginConfigFragment {
  /** The plugin's package name. */
  plugin: string
  fragment: unknown
}

/** A declared key occ does not accept; `key` is absent when the whole fragment is unusable. */
export interface RefusedPluginKey {
  plugin: string
  key?: string
  reason: string
}

/** A key that passed the structural checks and awaits compilation. */
export interface DeclaredPluginKey {
  name: PluginKeyName
  plugin: string
  schema: KeySchema
}

const KEY_NAME = /^[a-z][a-z0-9_]{0,63}$/
const COMMON_KEYWORDS = ['type', 'description', 'default', 'x-hint']
const TYPE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  array: ['items', 'minItems', 'uniqueItems'],
  boolean: [],
  integer: ['minimum', 'maximum'],
  string: ['enum', 'pattern'],
}

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
const isCount = (value: unknown): boolean => Number.isInteger(value) && Number(value) >= 0

/** Why a keyword's value cannot be used, or undefined when it can. */
function keywordProblem(keyword: string, value: unknown): string | undefined {
  switch (keyword) {
    case 'description':
    case 'x-hint': {
      return typeof value === 'string' && value.trim() !== '' ? undefined : `"${keyword}" must be a non-empty text`
    }

    case 'enum': {
      if (!isStringList(value) || value.length === 0) return '"enum" must be a non-empty list of texts'
      return value.every((item) => item === item.toLowerCase())
        ? undefined
        : '"enum" values must be lower-case (occ matches them in any case)'
    }

    case 'pattern': {
      return typeof value === 'string' ? undefined : '"pattern" must be a text'
    }

    case 'minimum':
    case 'maximum': {
      return Number.isInteger(value) ? undefined : `"${keyword}" must be an integer`
    }

    case 'items': {
      const itemsOk =
        isRecord(value) &&
        value.type === 'string' &&
        Object.keys(value).every((name) => name === 'type' || (name === 'pattern' && typeof value.pattern === 'string'))
      return itemsOk ? undefined : '"items" must be {"type": "string"}, optionally with a "pattern"'
    }

    case 'minItems': {
      return isCount(value) ? undefined : '"minItems" must be an integer of at least 0'
    }

    case 'uniqueItems': {
      return typeof value === 'boolean' ? undefined : '"uniqueItems" must be true or false'
    }

    default: {
      return undefined
    }
  }
}

/** Why a key's schema is outside the contract, or undefined when it is inside. */
function schemaProblem(schema: unknown): string | undefined {
  if (!isRecord(schema)) return 'its schema is not an object'
  const {type} = schema
  if (typeof type !== 'string' || !Object.hasOwn(TYPE_KEYWORDS, type)) {
    return `its type ${JSON.stringify(type)} is not one occ supports (string, integer, boolean or array)`
  }

  const allowed = [...COMMON_KEYWORDS, ...TYPE_KEYWORDS[type]]
  const extra = Object.keys(schema).find((keyword) => !allowed.includes(keyword))
  if (extra !== undefined)
    return `the keyword "${extra}" is not supported for a ${type} key (allowed: ${allowed.join(', ')})`
  if (schema.description === undefined) return 'it has no "description"'
  if (!Object.hasOwn(schema, 'default')) return 'it has no "default"'
  if (type === 'array' && schema.items === undefined) return 'an array key needs "items": {"type": "string"}'
  for (const [keyword, value] of Object.entries(schema)) {
    const problem = keywordProblem(keyword, value)
    if (problem) return problem
  }

  return undefined
}

/** Why `name` cannot be a plugin's key given the keys already taken, or undefined. */
function nameProblem(name: string, taken: ReadonlyMap<string, string>): string | undefined {
  if (!KEY_NAME.test(name))
    return 'the name is not lower-case letters, digits and _ starting with a letter (at most 64)'
  const own = resolveCoreKey(name)
  if (own === name) return "it is occ's own key"
  if (own !== undefined) return `it is an alias of occ's key ${own}`
  const owner = taken.get(name)
  return owner === undefined ? undefined : `the plugin ${owner} declares it already`
}

/**
 * The structural check of every fragment, in plugin order: the keys that follow the contract
 * and, with a reason each, the ones refused. The first plugin to declare a key keeps it.
 */
export function checkPluginFragments(fragments: readonly PluginConfigFragment[]): {
  declared: DeclaredPluginKey[]
  refused: RefusedPluginKey[]
} {
  const declared: DeclaredPluginKey[] = []
  const refused: RefusedPluginKey[] = []
  const taken = new Map<string, string>()
  for (const {fragment, plugin} of fragments) {
    if (
      !isRecord(fragment) ||
      !isRecord(fragment.properties) ||
      Object.keys(fragment).some((name) => name !== 'properties')
    ) {
      refused.push({
        plugin,
        reason: 'oclif.occConfig must be an object with only "properties": {"<key>": {schema}, ...}',
      })
      continue
    }

    for (const [name, schema] of Object.entries(fragment.properties)) {
      const problem = nameProblem(name, taken) ?? schemaProblem(schema)
      if (problem) {
        refused.push({key: name, plugin, reason: problem})
        continue
      }

      taken.set(name, plugin)
      declared.push({name: name as PluginKeyName, plugin, schema: schema as KeySchema})
    }
  }

  return {declared, refused}
}

/**
 * Compiles each declared key's validator (ajv, loaded only now)
 * and refuses a key whose pattern or default is unusable.
 */
export async function compilePluginKeys(
  declared: readonly DeclaredPluginKey[],
): Promise<{keys: PluginKey[]; refused: RefusedPluginKey[]}> {
  const keys: PluginKey[] = []
  const refused: RefusedPluginKey[] = []
  if (declared.length === 0) return {keys, refused}
  const {createAjv} = await import('./ajv.js')
  const ajv = createAjv()
  for (const {name, plugin, schema} of declared) {
    let validate: ValidateFunction
    try {
      // A key's schema is compiled as a property, as occ's own are: a root "default" is not valid JSON Schema for ajv.
      validate = ajv.compile({properties: {[name]: schema}, required: [name], type: 'object'})
    } catch (error) {
      refused.push({key: name, plugin, reason: `its schema does not compile (${(error as Error).message})`})
      continue
    }

    const allows = (value: unknown): boolean => validate({[name]: value})
    if (!allows(schema.default)) {
      refused.push({key: name, plugin, reason: `its default ${JSON.stringify(schema.default)} is not an allowed value`})
      continue
    }

    keys.push({name, plugin, schema, validate: allows})
  }

  return {keys, refused}
}

/** Every plugin's keys, checked and compiled: what the init hook registers. */
export async function loadPluginKeys(
  fragments: readonly PluginConfigFragment[],
): Promise<{keys: PluginKey[]; refused: RefusedPluginKey[]}> {
  const {declared, refused} = checkPluginFragments(fragments)
  const compiled = await compilePluginKeys(declared)
  return {keys: compiled.keys, refused: [...refused, ...compiled.refused]}
}
