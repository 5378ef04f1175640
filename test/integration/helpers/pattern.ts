/**
 * One regular expression written in parts, for a pattern too long for one line: the parts' sources
 * joined in order (each part must be a whole pattern of its own, so split between groups; no flags).
 */
export function joinedPattern(...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((part) => part.source).join(''))
}
