// Compares what the edge tap saw with what the origin tap saw for one paired exchange, using
// fingerprints only (keyed hashes from one process, lengths, schemes, cookie hashes): the same
// verdict words as the probe, for real traffic.
import type { Fingerprint, SeenHeader } from '../capture/types.js'
import type { ModifiedHow, Verdict } from '../probe/verdict.js'

export interface PairedHeader {
  /** Name as the client sent it at the edge (or as it arrived, for `added`). */
  name: string
  verdict: Exclude<Verdict, 'blocked' | 'unreached'>
  how: ModifiedHow | null
  /** Name as it arrived at the origin, null when it did not. */
  arrivedAs: string | null
  /** Counts, lengths and schemes only. */
  detail: string
}

const hashes = (h: SeenHeader): string[] => h.values.map((v) => v.hash)
const totalLength = (h: SeenHeader): number => h.values.reduce((n, v) => n + v.length, 0)

function cookiePairs (fps: Fingerprint[]): Set<string> {
  return new Set(fps.flatMap((fp) => (fp.cookies ?? []).map((c) => `${c.name}=${c.hash}`)))
}

function compareSame (edge: SeenHeader, origin: SeenHeader): PairedHeader {
  const out = (verdict: PairedHeader['verdict'], how: ModifiedHow | null, detail: string): PairedHeader =>
    ({ name: edge.name, verdict, how, arrivedAs: origin.name, detail })
  const sent = hashes(edge)
  const got = hashes(origin)
  if (sent.length === got.length && sent.every((h) => got.includes(h)) && got.every((h) => sent.includes(h))) {
    return out('intact', null, `Arrived unchanged (${edge.lines} line${edge.lines === 1 ? '' : 's'}).`)
  }
  if (edge.key === 'cookie') {
    const before = cookiePairs(edge.values)
    const after = cookiePairs(origin.values)
    const kept = [...before].filter((c) => after.has(c)).length
    if (kept === before.size) return out('intact', null, `All ${before.size} cookies arrived, over ${origin.lines} line(s).`)
    if (kept > 0) return out('modified', 'partial', `${kept} of ${before.size} cookies arrived.`)
    return out('modified', 'replaced', `A Cookie line arrived without any of the ${before.size} cookies sent.`)
  }
  if (origin.lines > edge.lines && sent.every((h) => got.includes(h))) {
    return out('modified', 'changed', `A line was added: ${edge.lines} line${edge.lines === 1 ? '' : 's'} at the edge, ${origin.lines} at the origin (a layer appends one, e.g. Apache \`RequestHeader add\`).`)
  }
  if (edge.lines > 1 && origin.lines === 1) {
    const joined = totalLength(edge) + (edge.lines - 1) * 2
    const length = origin.values[0]?.length ?? 0
    if (length === joined || length === joined - (edge.lines - 1)) {
      return out('modified', 'joined', `The ${edge.lines} lines arrived joined into one line of ${length} bytes.`)
    }
    if (got.every((h) => sent.includes(h))) return out('modified', 'deduplicated', `Only 1 of ${edge.lines} lines arrived.`)
  }
  const a = edge.values[0]
  const b = origin.values[0]
  if (a === undefined || b === undefined) return out('modified', 'changed', 'The line count changed.')
  if (a.scheme !== null && b.scheme !== null && a.scheme !== b.scheme && a.scheme.toLowerCase() === b.scheme.toLowerCase() && a.length === b.length) {
    return out('modified', 'case', `The scheme arrived in another case (${b.scheme}, sent ${a.scheme}).`)
  }
  if (a.scheme !== b.scheme || (a.jwt !== undefined && b.jwt !== undefined && a.jwt.subHash !== b.jwt.subHash)) {
    return out('modified', 'replaced', `Replaced by ${b.scheme === null ? 'a' : `a ${b.scheme}`} value of ${b.length} bytes (${a.length} sent).`)
  }
  if (b.length < a.length) return out('modified', 'truncated', `Shorter: ${b.length} of ${a.length} bytes arrived (cut short or replaced).`)
  return out('modified', 'changed', `Value changed: ${b.length} bytes arrived, ${a.length} sent.`)
}

/** Verdict per credential header between the two taps, plus `added` for new ones. */
export function compareSides (edge: SeenHeader[], origin: SeenHeader[]): PairedHeader[] {
  const out: PairedHeader[] = []
  const used = new Set<string>()
  for (const e of edge) {
    const same = origin.find((o) => o.key === e.key)
    if (same !== undefined) {
      used.add(same.key)
      out.push(compareSame(e, same))
      continue
    }
    const sent = hashes(e)
    const moved = origin.find((o) => !used.has(o.key) && o.key !== e.key && hashes(o).some((h) => sent.includes(h)))
    if (moved !== undefined) {
      used.add(moved.key)
      out.push({ name: e.name, verdict: 'renamed', how: null, arrivedAs: moved.name, detail: `Arrived as ${moved.name}.` })
      continue
    }
    out.push({ name: e.name, verdict: 'dropped', how: null, arrivedAs: null, detail: `Sent at the edge (${e.lines} line${e.lines === 1 ? '' : 's'}), absent at the origin.` })
  }
  for (const o of origin) {
    if (used.has(o.key) || edge.some((e) => e.key === o.key)) continue
    const first = o.values[0]
    out.push({
      name: o.name,
      verdict: 'added',
      how: null,
      arrivedAs: o.name,
      detail: `Absent at the edge, ${first?.scheme === null || first === undefined ? 'a' : `a ${first.scheme}`} value of ${first?.length ?? 0} bytes at the origin.`
    })
  }
  return out
}
