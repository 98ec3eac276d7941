// Which request targets hopwatch forwards: every origin-form target byte for byte (no URL
// parser sees it, so nothing is normalised), except the shapes refused here with 400.
// The README's table "The request target" lists each shape and what happens to it.

const SLASH = 0x2f
const DOT = 0x2e
const PERCENT = 0x25

export type TargetRefusal = 'not_origin_form' | 'dot_dot_segment'

/**
 * Why a target is refused, or null when it is forwarded as it is:
 * - `not_origin_form`: absolute-form (`GET http://host/x`) and asterisk-form (`OPTIONS *`); a
 *   reverse proxy's upstream is fixed, and the upstream request needs a path;
 * - `dot_dot_segment`: a `..` segment in the path, its dots literal or percent-encoded, between
 *   `/`, `\`, `%2F` or `%5C`. A real client removes dot segments before sending (RFC 3986
 *   5.2.4); a target that still has one climbs out of its parent at whichever layer resolves
 *   it, past a path rule of the layer in front.
 */
export function refusedTarget (url: string): TargetRefusal | null {
  if (url.charCodeAt(0) !== SLASH) return 'not_origin_form'
  const q = url.indexOf('?')
  const end = q < 0 ? url.length : q
  // Fast path: without a dot or a percent sign the path has no dot segment, encoded or not.
  let suspicious = false
  for (let i = 0; i < end; i++) {
    const c = url.charCodeAt(i)
    if (c === DOT || c === PERCENT) { suspicious = true; break }
  }
  if (!suspicious) return null
  const path = url.slice(0, end)
  for (const segment of path.split(/\/|\\|%2f|%5c/i)) {
    if (segment.length >= 2 && segment.length <= 6 && segment.replace(/%2e/gi, '.') === '..') return 'dot_dot_segment'
  }
  return null
}
