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

/** Where the value at `path` starts in the file, if it is there. */
export function positionOf(text: string, path: JSONPath): Position | undefined {
  const {findNodeAtLocation, parseTree} = jsonc()
  const tree = parseTree(text, undefined, OPTIONS)
  const node = tree && findNodeAtLocation(tree, path)
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

/** No config value nests deeper than 2; this bound keeps every parser and validator far from the stack limit. */
export const MAX_NESTING = 32

/** Offset of the first bracket nested deeper than `limit`, outside strings and comments; -1 when there is none. */
export function tooDeepAt(text: string, limit: number): number {
  // The index of the last character of the next `marker` from `from`, or the end of the text.
  const endOf = (marker: string, from: number): number => {
    const found = text.indexOf(marker, from)
    return found === -1 ? text.length : found + marker.length - 1
  }

  let depth = 0
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (char === '"') {
      // Skip the string, honouring backslash escapes.
      for (index++; index < text.length && text[index] !== '"'; index++) if (text[index] === '\\') index++
    } else if (char === '/' && text[index + 1] === '/') {
      index = endOf('\n', index)
    } else if (char === '/' && text[index + 1] === '*') {
      index = endOf('*/', index + 2)
    } else if (char === '[' || char === '{') {
      depth++
      if (depth > limit) return index
    } else if (char === ']' || char === '}') {
      depth--
    }
  }

  return -1
}

/** Parses config.json as JSONC (comments, trailing commas); a broken file names its first problem and position. */
export function parseConfigText(text: string, file: string): Record<string, unknown> {
  const deep = tooDeepAt(text, MAX_NESTING)
  if (deep !== -1) throw configErrors.tooDeep(file, MAX_NESTING, positionAt(text, deep))
  const {value} = parseJson(text) ?? parseJsonc(text, file)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw configErrors.notObject(file, kindOf(value))
  return value as Record<string, unknown>
}
