// Fold paths so that no id or token in a path is shown or stored: a segment stays as it is only
// when it reads like words (src/capture/words.ts); ids become `:id`, anything else `:token`.
// Routes (`/users/:id`) and the stored path of every exchange are folded the same way.
import { isWordLike } from './words.js'
import { Lru } from './lru.js'

const NUMERIC = /^\d+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HEX = /^[0-9a-f]{12,}$/i
const MIXED_LONG = /^(?=.*\d)[A-Za-z0-9_.~%=-]{20,}$/
const EMAIL = /^[^@/]+@[^@/]+$/
const MAX_SEGMENTS = 12
const MAX_PATH = 2048
/** What folding writes: folding them again gives them back. */
const FOLDED: ReadonlySet<string> = new Set([':id', ':token', '…', '.', '..'])

/**
 * Segments found to read like words, the most recently used ones: paths repeat their words
 * (`api`, `orders`) while their ids do not. Only segments that are shown as they are are kept,
 * never an id or a token.
 */
const WORDS = new Lru<string, true>(4096)

/** One path segment as it may be shown: itself when it reads like words, else `:id` or `:token`. */
export function foldSegment (segment: string): string {
  if (segment === '' || FOLDED.has(segment)) return segment
  // A segment that starts with a digit (an id, most often) is never looked up: no word was
  // remembered for it, and a miss would hash a string seen once.
  const first = segment.charCodeAt(0)
  if ((first < 48 || first > 57) && WORDS.get(segment) === true) return segment
  // Path parameters (`;jsessionid=...`) are never kept: the segment before them is judged.
  const semi = segment.indexOf(';')
  if (semi >= 0) return `${foldSegment(segment.slice(0, semi))};…`
  if (NUMERIC.test(segment) || UUID.test(segment) || HEX.test(segment) || MIXED_LONG.test(segment) || EMAIL.test(segment)) return ':id'
  if (!isWordLike(segment)) return ':token'
  WORDS.set(segment, true)
  return segment
}

/** A path with every segment folded (`/reset/Zk3...` -> `/reset/:token`), at most 2048 characters. */
export function foldPath (path: string): string {
  const segments = path.slice(0, MAX_PATH).split('/')
  for (let i = 0; i < segments.length; i++) segments[i] = foldSegment(segments[i] as string)
  return segments.join('/')
}

/**
 * `/users/42/orders/9f1c...` -> `/users/:id/orders/:id`, at most 12 segments. `folded`: the path
 * was folded already (foldPath), so its segments are taken as they are.
 */
export function routeOf (path: string, folded = false): string {
  const segments = path.split('/')
  const out: string[] = []
  for (let i = 0; i < segments.length && i <= MAX_SEGMENTS; i++) out.push(folded ? segments[i] as string : foldSegment(segments[i] as string))
  if (segments.length > MAX_SEGMENTS + 1) out.push('…')
  const route = out.join('/')
  return route === '' ? '/' : route
}
