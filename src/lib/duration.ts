/** A non-negative number of milliseconds from an env variable's text, else undefined (unset, junk, negative). */
export function milliseconds(text: string | undefined): number | undefined {
  const value = Number(text?.trim())
  return text?.trim() && Number.isFinite(value) && value >= 0 ? value : undefined
}
