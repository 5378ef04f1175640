/** The JSON helpers every side uses: one test for "a JSON object", one tolerant parse. */

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The value of a JSON text, or undefined when the text is not JSON (wrapped, so that JSON's null stays a value). */
export function parseJson(text: string): {value: unknown} | undefined {
  try {
    return {value: JSON.parse(text)}
  } catch {
    return undefined
  }
}
