// Verdict per header per hop: compares what the probe sent (kept in memory, never printed) with
// what the tap says arrived (names, lengths, schemes, keyed hashes). No value is ever output.
import type { CanaryAnswer, ArrivedLine } from './answer.js'
import type { CanaryRequest, CanaryShape } from './canary.js'
import { valueHash } from './token.js'

export type Verdict = 'intact' | 'dropped' | 'modified' | 'renamed' | 'added' | 'blocked' | 'unreached'
export type ModifiedHow = 'joined' | 'truncated' | 'replaced' | 'case' | 'deduplicated' | 'partial' | 'changed'

export interface HeaderVerdict {
  /** Header name as sent (or as it arrived, for `added`). */
  name: string
  /** Shape label: `Bearer JWT 6 KB`. */
  shape: string
  shapeId: string
  required: boolean
  verdict: Verdict
  /** Name as it arrived at the tap (raw casing), null when it did not arrive. */
  arrivedAs: string | null
  /** For `modified`: how. */
  how: ModifiedHow | null
  /** For `blocked` and `unreached`: the status the layer answered, when there was one. */
  status: number | null
  /** A plain sentence with lengths and counts, never a value. */
  detail: string
}

/** What came back for one canary request. */
export type Outcome =
  | { kind: 'answer', answer: CanaryAnswer }
  | { kind: 'blocked', status: number, reason: string, server: string | null }
  | { kind: 'unreached', status: number, server: string | null, note?: string }

const lower = (s: string): string => s.toLowerCase()

function base (shape: CanaryShape, verdict: Verdict, detail: string, extra: Partial<HeaderVerdict> = {}): HeaderVerdict {
  return {
    name: shape.plan.header,
    shape: shape.plan.label,
    shapeId: shape.plan.id,
    required: shape.plan.kind === 'required',
    verdict,
    arrivedAs: null,
    how: null,
    status: null,
    detail,
    ...extra
  }
}

/** Scheme-case variants of a value: `bearer x` -> `Bearer x`, `BEARER x`, `bearer x`. */
function caseVariants (value: string): string[] {
  const space = value.indexOf(' ')
  if (space <= 0) return []
  const scheme = value.slice(0, space)
  const rest = value.slice(space)
  const cap = scheme.charAt(0).toUpperCase() + scheme.slice(1).toLowerCase()
  return [cap, scheme.toLowerCase(), scheme.toUpperCase()].filter((s) => s !== scheme).map((s) => s + rest)
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

function judgeLines (secret: string, shape: CanaryShape, lines: ArrivedLine[], used: Set<number>): HeaderVerdict {
  const key = lower(shape.plan.header)
  const sent = shape.sent.map((l) => l.value)
  const sentHashes = sent.map((v) => valueHash(secret, v))
  const sameName = lines.filter((l) => lower(l.name) === key)
  const mine = (l: ArrivedLine): boolean => l.slots.some((s) => shape.slots.includes(s))
  const sentLength = sent.reduce((n, v) => n + Buffer.byteLength(v), 0)

  if (sameName.length === 0) {
    const moved = lines.find((l) => mine(l))
    if (moved === undefined) return base(shape, 'dropped', `No ${shape.plan.header} line arrived (${plural(sent.length, 'line')} sent).`)
    used.add(moved.index)
    const same = moved.hash !== null && sentHashes.includes(moved.hash)
    return base(shape, 'renamed', `Arrived as ${moved.name}${same ? ' with the value intact' : ', value changed'}.`, { arrivedAs: moved.name })
  }
  const arrivedAs = sameName[0]?.name ?? shape.plan.header
  const nameNote = arrivedAs !== shape.plan.header ? ` Name arrived as ${arrivedAs} (case is not significant).` : ''
  const exact = sameName.filter((l) => l.hash !== null && sentHashes.includes(l.hash))
  for (const l of exact) used.add(l.index)
  const matched = new Set(exact.map((l) => l.hash))

  if (shape.plan.id === 'cookie') return judgeCookies(secret, shape, sameName, used, arrivedAs, nameNote)
  if (matched.size === sent.length) {
    const split = exact.length > sent.length ? ` Arrived as ${exact.length} lines.` : ''
    return base(shape, 'intact', `Arrived unchanged (${plural(sent.length, 'line')}).${split}${nameNote}`, { arrivedAs })
  }
  const modified = (how: ModifiedHow, detail: string): HeaderVerdict =>
    base(shape, 'modified', detail + nameNote, { arrivedAs, how })

  if (sent.length > 1) {
    for (const sep of [', ', ',']) {
      const joined = sameName.find((l) => l.hash === valueHash(secret, sent.join(sep)))
      if (joined !== undefined) {
        used.add(joined.index)
        return modified('joined', `The ${sent.length} lines arrived joined into one line of ${joined.length} bytes.`)
      }
    }
    if (matched.size > 0) {
      const which = sentHashes.map((h, i) => (matched.has(h) ? i + 1 : 0)).filter((i) => i > 0)
      return modified('deduplicated', `Only line ${which.join(' and ')} of ${sent.length} arrived.`)
    }
  }
  const first = sameName[0] as ArrivedLine
  used.add(first.index)
  const one = sent[0] ?? ''
  if (first.hash !== null && caseVariants(one).some((v) => valueHash(secret, v) === first.hash)) {
    return modified('case', `The scheme arrived in another case (${first.scheme ?? 'none'}).`)
  }
  if (first.hash !== null && first.length < sentLength && first.hash === valueHash(secret, one.slice(0, first.length))) {
    return modified('truncated', `Truncated to ${first.length} of ${sentLength} bytes.`)
  }
  if (mine(first) || first.partial) {
    return modified('changed', `Value changed: ${first.length} bytes arrived, ${sentLength} sent; it still carries the canary.`)
  }
  return modified('replaced', `Replaced by ${first.scheme === null ? 'a' : `a ${first.scheme}`} value of ${first.length} bytes that is not the canary.`)
}

function judgeCookies (secret: string, shape: CanaryShape, lines: ArrivedLine[], used: Set<number>, arrivedAs: string, nameNote: string): HeaderVerdict {
  const sent = shape.sent[0]?.value ?? ''
  if (lines.some((l) => l.hash === valueHash(secret, sent))) {
    return base(shape, 'intact', `Arrived unchanged (1 line, 3 cookies).${nameNote}`, { arrivedAs })
  }
  const pairs = sent.split(';').map((p) => valueHash(secret, p.trim()))
  const arrived = new Set(lines.flatMap((l) => (l.cookies ?? []).map((c) => c.hash)))
  for (const l of lines) used.add(l.index)
  const count = pairs.filter((h) => arrived.has(h)).length
  if (count === pairs.length) {
    return base(shape, 'intact', `All ${pairs.length} cookies arrived, over ${plural(lines.length, 'line')}.${nameNote}`, { arrivedAs })
  }
  if (count > 0) {
    return base(shape, 'modified', `${count} of ${pairs.length} cookies arrived.${nameNote}`, { arrivedAs, how: 'partial' })
  }
  return base(shape, 'modified', `A Cookie line arrived without any of the ${pairs.length} canary cookies.${nameNote}`, { arrivedAs, how: 'replaced' })
}

/** Verdicts for every shape of one request, plus `added` for credentials nobody sent. */
export function judgeRequest (secret: string, request: CanaryRequest, outcome: Outcome): HeaderVerdict[] {
  if (outcome.kind === 'blocked') {
    const by = outcome.server === null ? 'A layer' : `A layer (Server: ${outcome.server})`
    return request.shapes.map((s) => base(s, 'blocked',
      `${by} answered ${outcome.status}${outcome.reason === '' ? '' : ` (${outcome.reason})`} before any tap.`,
      { status: outcome.status }))
  }
  if (outcome.kind === 'unreached') {
    const by = outcome.server === null ? '' : ` (Server: ${outcome.server})`
    return request.shapes.map((s) => base(s, 'unreached',
      `No hopwatch tap answered; status ${outcome.status}${by}.${outcome.note === undefined ? '' : ` ${outcome.note}`}`, { status: outcome.status }))
  }
  const used = new Set<number>()
  const lines = outcome.answer.lines
  const verdicts = request.shapes.map((s) => judgeLines(secret, s, lines, used))
  for (const line of lines) {
    if (used.has(line.index) || line.slots.length > 0 || line.partial) continue
    verdicts.push({
      name: line.name,
      shape: line.scheme === null ? 'unknown' : line.scheme,
      shapeId: `added:${lower(line.name)}`,
      required: false,
      verdict: 'added',
      arrivedAs: line.name,
      how: null,
      status: null,
      detail: `A ${line.scheme === null ? '' : `${line.scheme} `}value of ${line.length} bytes arrived that the probe did not send.`
    })
  }
  return verdicts
}
