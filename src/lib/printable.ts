/**
 * Text from elsewhere (a registry's labels and error bodies, the engine relaying them) made
 * safe to print: a terminal obeys escape sequences, so a label could retitle it, clear the
 * screen or fake a message. Applied where remote text enters occ, so that everything past
 * that point holds printable text only.
 */

const ESC = 0x1b
const BEL = 0x07
/** C1 introducers: CSI, and the control strings OSC, DCS, SOS, PM, APC; ST ends a string. */
const C1_CSI = 0x9b
const C1_STRINGS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f])
const C1_ST = 0x9c
/** After ESC: "[" starts a CSI; "]", "P", "X", "^", "_" a control string. */
const ESC_CSI = 0x5b
const ESC_STRINGS = new Set([0x5d, 0x50, 0x58, 0x5e, 0x5f])
/** Marks that reorder or hide text (bidi embeddings, overrides, isolates). */
const BIDI = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/

/** Most characters of remote text printed: a flood of words helps nobody. */
const MAX_CHARACTERS = 2000
/** Text that needs no work: printable ASCII only. */
const PLAIN = /^[\x20-\x7E]*$/

const inRange = (code: number, low: number, high: number) => code >= low && code <= high
const isControl = (code: number) => code < 0x20 || inRange(code, 0x7f, 0x9f)

/** Index just past a CSI's parameters, intermediates and final byte, starting at `at`. */
function endOfCsi(text: string, at: number): number {
  let index = at
  while (index < text.length && inRange(text.charCodeAt(index), 0x30, 0x3f)) index++
  while (index < text.length && inRange(text.charCodeAt(index), 0x20, 0x2f)) index++
  return index < text.length && inRange(text.charCodeAt(index), 0x40, 0x7e) ? index + 1 : index
}

/**
 * Index just past a control string's terminator (BEL, ESC \ or ST);
 * an unterminated one runs to the end, as a terminal would swallow it.
 */
function endOfString(text: string, at: number): number {
  for (let index = at; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === BEL || code === C1_ST) return index + 1
    if (code === ESC) return text.charCodeAt(index + 1) === 0x5c ? index + 2 : index
  }

  return text.length
}

/** Index just past the escape sequence starting at `at` (an ESC or a C1 introducer). */
function endOfSequence(text: string, at: number): number {
  const code = text.charCodeAt(at)
  if (code === C1_CSI) return endOfCsi(text, at + 1)
  if (C1_STRINGS.has(code)) return endOfString(text, at + 1)
  const next = text.charCodeAt(at + 1)
  if (next === ESC_CSI) return endOfCsi(text, at + 2)
  if (ESC_STRINGS.has(next)) return endOfString(text, at + 2)
  let index = at + 1
  while (index < text.length && inRange(text.charCodeAt(index), 0x20, 0x2f)) index++
  return index < text.length && inRange(text.charCodeAt(index), 0x30, 0x7e) ? index + 1 : index
}

/**
 * `text` without escape sequences; other control characters (and bidi marks) become U+FFFD so
 * that the tampering stays visible. Tabs and newlines become spaces unless `lines` keeps them:
 * a one-line value such as a label must not start a line of its own. Past MAX_CHARACTERS it is cut off with "…".
 */
export function printable(text: string, {lines = false}: {lines?: boolean} = {}): string {
  if (text.length <= MAX_CHARACTERS && PLAIN.test(text)) return text
  let result = ''
  for (let index = 0; index < text.length && result.length <= MAX_CHARACTERS;) {
    const code = text.charCodeAt(index)
    if (code === ESC || code === C1_CSI || C1_STRINGS.has(code)) {
      index = endOfSequence(text, index)
      continue
    }

    const character = text[index]
    index++
    if (lines && (character === '\n' || character === '\t')) result += character
    else if (character === '\n' || character === '\t' || character === '\r') result += ' '
    else result += isControl(code) || BIDI.test(character) ? '\uFFFD' : character
  }

  return result.length > MAX_CHARACTERS ? `${result.slice(0, MAX_CHARACTERS)}…` : result
}
