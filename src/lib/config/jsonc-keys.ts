/** Removing or renaming a top-level key of JSONC text without touching anything that is not the key's own. */
import {createScanner, type Node, parseTree, SyntaxKind} from 'jsonc-parser'

function topLevelProperties(text: string): Node[] {
  const root = parseTree(text, [], {allowTrailingComma: true, disallowComments: false})
  return root?.type === 'object' ? (root.children ?? []) : []
}

const TRIVIA = new Set([
  SyntaxKind.Trivia,
  SyntaxKind.LineBreakTrivia,
  SyntaxKind.LineCommentTrivia,
  SyntaxKind.BlockCommentTrivia,
])

/** The first token at or after `offset` that is not whitespace or a comment. */
function tokenAfter(text: string, offset: number): {kind: SyntaxKind; offset: number} {
  const scanner = createScanner(text, false)
  scanner.setPosition(offset)
  let kind = scanner.scan()
  while (TRIVIA.has(kind)) kind = scanner.scan()
  return {kind, offset: scanner.getTokenOffset()}
}

interface Range {
  start: number
  end: number
}

/**
 * Widens the removal of a property to the whitespace around it: its whole line when nothing else is on it (a comment
 * after it on that line is its own), else the spaces that separated it from what stays on the line.
 */
function widen(text: string, {start, end}: Range, withComma: boolean): Range {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const newline = text.indexOf('\n', end)
  const lineEnd = newline === -1 ? text.length : newline + 1
  const before = text.slice(lineStart, start)
  const after = text.slice(end, lineEnd)
  if (before.trim() === '' && /^[ \t]*(\/\/.*)?\r?\n?$/.test(after)) return {start: lineStart, end: lineEnd}
  // A key that follows on the line takes the removed one's place.
  if (withComma && /^[ \t]*[^ \t\r\n/]/.test(after)) return {start, end: end + (/^[ \t]*/.exec(after)?.[0].length ?? 0)}
  return {start: start - (/[ \t]*$/.exec(before)?.[0].length ?? 0), end}
}

/** The ranges that remove one property: the property and its comma, or, for the last one, the comma before it. */
function rangesOf(text: string, properties: Node[], index: number): Range[] {
  const property = properties[index]
  const end = property.offset + property.length
  const next = tokenAfter(text, end)
  if (next.kind === SyntaxKind.CommaToken) return [widen(text, {start: property.offset, end: next.offset + 1}, true)]
  const removed = widen(text, {start: property.offset, end}, false)
  if (index === 0) return [removed]
  const previous = properties[index - 1]
  const comma = tokenAfter(text, previous.offset + previous.length)
  return [{start: comma.offset, end: comma.offset + 1}, removed]
}

/**
 * `text` without the top-level key `key` (every occurrence). Comments on other lines stay where they are, and so do
 * the other keys sharing a line with it; a comment after it on its own line goes with it. Text that is not a JSON
 * object, or does not have the key, comes back as it was.
 */
export function removeKey(text: string, key: string): string {
  for (;;) {
    const properties = topLevelProperties(text)
    const index = properties.findIndex((property) => property.children?.[0]?.value === key)
    if (index === -1) return text
    const ranges = rangesOf(text, properties, index)
    for (const {start, end} of ranges.toReversed()) text = text.slice(0, start) + text.slice(end)
  }
}

/** `text` with the top-level key `from` renamed to `to` where it stands, value and comments kept; else unchanged. */
export function renameKey(text: string, from: string, to: string): string {
  const name = topLevelProperties(text).find((property) => property.children?.[0]?.value === from)?.children?.[0]
  if (!name) return text
  return text.slice(0, name.offset) + JSON.stringify(to) + text.slice(name.offset + name.length)
}
