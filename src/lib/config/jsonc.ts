import type {JSONPath, ParseError} from 'jsonc-parser'

import {createRequire} from 'node:module'

import {parseJson} from '../json.js'
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

function parseJsonc(text: string, file: string): {value: unknown} {
  const errors: ParseError[] = []
  const value: unknown = jsonc().parse(text, errors, OPTIONS)
  if (errors.length > 0) throw configErrors.syntax(file, describe(errors[0]), positionAt(text, errors[0].offset))
  return {value}
}

/** No config value nests deeper than 2; this bound keeps every parser and validator far from the stack limit. */
export const MAX_NESTING = 32

/** What one pass over the text finds before any parser runs: brackets nested too deep, a key repeated in one object. */
interface Structure {
  /** Offset of the first bracket nested deeper than the limit. */
  tooDeep?: number
  /** The first key written twice in one object, with the offsets of both. */
  duplicate?: {key: string; first: number; again: number}
}

/** The key a string token spells (escapes decoded, as serde compares them), or undefined when it is not valid JSON. */
function decodeKey(token: string): string | undefined {
  try {
    return JSON.parse(token) as string
  } catch {
    return undefined
  }
}

/** Scans `text` once, outside strings and comments, for nesting deeper than `limit` and duplicate keys. */
export function scanStructure(text: string, limit: number): Structure {
  // The index of the last character of the next `marker` from `from`, or the end of the text.
  const endOf = (marker: string, from: number): number => {
    const found = text.indexOf(marker, from)
    return found === -1 ? text.length : found + marker.length - 1
  }

  // One entry per open bracket: an object's keys (name → offset) and whether a key comes next; null for an array.
  const open: Array<{keys: Map<string, number>; expectKey: boolean} | null> = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    const top = open.at(-1)
    if (char === '"') {
      const start = index
      // Skip the string, honouring backslash escapes.
      for (index++; index < text.length && text[index] !== '"'; index++) if (text[index] === '\\') index++
      if (!top?.expectKey) continue
      top.expectKey = false
      const key = decodeKey(text.slice(start, index + 1))
      if (key === undefined) continue
      const first = top.keys.get(key)
      if (first !== undefined) return {duplicate: {again: start, first, key}}
      top.keys.set(key, start)
    } else if (char === '/' && text[index + 1] === '/') {
      index = endOf('\n', index)
    } else if (char === '/' && text[index + 1] === '*') {
      index = endOf('*/', index + 2)
    } else if (char === '[' || char === '{') {
      open.push(char === '{' ? {expectKey: true, keys: new Map()} : null)
      if (open.length > limit) return {tooDeep: index}
    } else if (char === ']' || char === '}') {
      open.pop()
    } else if (char === ',' && top) {
      top.expectKey = true
    }
  }

  return {}
}

/**
 * The value JSONC text holds at the top-level key `key`
 * (jsonc-parser's own parse drops "__proto__" into the prototype).
 */
function ownValue(text: string, key: string): unknown {
  const {findNodeAtLocation, getNodeValue, parseTree} = jsonc()
  const tree = parseTree(text, undefined, OPTIONS)
  const node = tree && findNodeAtLocation(tree, [key])
  return node ? getNodeValue(node) : undefined
}

/** Parses config.json as JSONC (comments, trailing commas); a broken file names its first problem and position. */
export function parseConfigText(text: string, file: string): Record<string, unknown> {
  const {duplicate, tooDeep} = scanStructure(text, MAX_NESTING)
  if (tooDeep !== undefined) throw configErrors.tooDeep(file, MAX_NESTING, positionAt(text, tooDeep))
  const {value} = parseJson(text) ?? parseJsonc(text, file)
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw configErrors.notObject(file, kindOf(value))
  // Checked once the text parses, so that a syntax error is reported where it is.
  if (duplicate)
    throw configErrors.duplicateKey(
      file,
      duplicate.key,
      positionAt(text, duplicate.first),
      positionAt(text, duplicate.again),
    )
  const data = value as Record<string, unknown>
  // A "__proto__" key is a key like any other (JSON.parse keeps it; jsonc-parser's parse does not).
  if (!Object.hasOwn(data, '__proto__') && /"__proto__"/.test(text)) {
    const proto = ownValue(text, '__proto__')
    Object.setPrototypeOf(data, Object.prototype)
    if (proto !== undefined)
      Object.defineProperty(data, '__proto__', {configurable: true, enumerable: true, value: proto, writable: true})
  }

  return data
}
