import type {JSONPath, ParseError} from 'jsonc-parser'

import {createRequire} from 'node:module'

import {configErrors, type Position} from './messages.js'

// Most files are plain JSON (the original tool writes them so): JSON.parse reads those, and
// jsonc-parser (~12 ms of startup) loads only for comments, trailing commas and errors.
const load = createRequire(import.meta.url)
const jsonc = (): typeof import('jsonc-parser') => load('jsonc-parser')

const OPTIONS = {allowTrailingComma: true, disallowComments: false, allowEmptyContent: false}

/** 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset)
  const lineStart = before.lastIndexOf('\n') + 1
  return {line: before.split('\n').length, column: offset - lineStart + 1}
}

/** Where the value at `path` (or, with `at: 'name'`, its property name) starts in the file, if it is there. */
export function positionOf(text: string, path: JSONPath, at: 'name' | 'value' = 'value'): Position | undefined {
  const {findNodeAtLocation, parseTree} = jsonc()
  const tree = parseTree(text, undefined, OPTIONS)
  const value = tree && findNodeAtLocation(tree, path)
  const node = at === 'name' ? value?.parent?.children?.[0] : value
  return node ? positionAt(text, node.offset) : undefined
}

/** "PropertyNameExpected" → "property name expected". */
function describe(error: ParseError): string {
  return jsonc()
    .printParseErrorCode(error.error)
    .replaceAll(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

function parseJson(text: string): {value: unknown} | undefined {
  try {
    return {value: JSON.parse(text)}
  } catch {
    return undefined
  }
}

function parseJsonc(text: string, file: string): {value: unknown} {
  const errors: ParseError[] = []
  const value: unknown = jsonc().parse(text, errors, OPTIONS)
  if (errors.length > 0) throw configErrors.syntax(file, describe(errors[0]), positionAt(text, errors[0].offset))
  return {value}
}

/** Parses config.json as JSONC (comments, trailing commas); a broken file names its first problem and position. */
export function parseConfigText(text: string, file: string): Record<string, unknown> {
  const {value} = parseJson(text) ?? parseJsonc(text, file)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configErrors.notObject(file, kindOf(value))
  return value as Record<string, unknown>
}
