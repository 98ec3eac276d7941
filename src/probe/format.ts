// The probe report in its two formats and the exit decision. Shows names, shapes, lengths,
// counts and verdicts; never a value.
import { fixFor, layerKind } from './fixes.js'
import type { HopReport, MetRedirect, ProbeReport } from './run.js'
import type { HeaderVerdict } from './verdict.js'

export type RequireMode = 'required' | 'all'

export interface Loss {
  name: string
  shape: string
  required: boolean
  verdict: HeaderVerdict['verdict']
  /** 1-based hop whose layers lose it (the deepest hop that still loses it). */
  hop: number
  url: string
  server: string | null
  fix: string | null
}

const counts = (v: HeaderVerdict, mode: RequireMode): boolean => v.verdict !== 'added' && (mode === 'all' || v.required)

/**
 * Redirects that change origin on the way of counted credentials: clients (curl, requests,
 * fetch, browsers) drop Authorization on them, so they fail the run unless
 * --allow-cross-origin-redirect says they are intended.
 */
export function failingRedirects (report: ProbeReport, mode: RequireMode): MetRedirect[] {
  if (report.crossOriginAllowed) return []
  return report.redirects.filter((r) => r.changesOrigin && (mode === 'all' || r.required))
}

/** Exit 0 when every counted credential arrived intact at every hop, with no origin change on the way; 1 otherwise. */
export function probeExitCode (report: ProbeReport, mode: RequireMode): 0 | 1 {
  const bad = report.hops.some((h) => h.headers.some((v) => counts(v, mode) && v.verdict !== 'intact'))
  return bad || failingRedirects(report, mode).length > 0 ? 1 : 0
}

/**
 * For each shape, the hop whose layers lose it: a hop whose outcome differs from the next
 * deeper hop's (or that is the deepest hop). Unreached hops name no layer.
 */
export function losses (report: ProbeReport): Loss[] {
  const out: Loss[] = []
  const hops = report.hops
  hops.forEach((hop, i) => {
    for (const v of hop.headers) {
      if (v.verdict === 'intact' || v.verdict === 'unreached') continue
      // The same outcome one hop deeper means a deeper layer caused it; a block counts as the
      // same only when the same layer (status, reason, Server) answered it.
      const deeper = hops[i + 1]?.headers.find((d) => d.shapeId === v.shapeId)
      if (deeper !== undefined && cell(deeper) === cell(v) && (v.verdict !== 'blocked' || deeper.detail === v.detail)) continue
      out.push({
        name: v.name,
        shape: v.shape,
        required: v.required,
        verdict: v.verdict,
        hop: i + 1,
        url: hop.url,
        server: hop.server,
        fix: fixFor(v, layerKind(hop.server), hop.headers)
      })
    }
  })
  return out
}

export function toJson (report: ProbeReport, mode: RequireMode): string {
  return JSON.stringify({
    target: report.target,
    hops: report.hops.map((h) => ({
      url: h.url,
      reached: h.reached,
      server: h.server,
      headers: h.headers.map((v) => ({
        name: v.name,
        shape: v.shape,
        verdict: v.verdict,
        arrivedAs: v.arrivedAs,
        detail: v.detail,
        required: v.required,
        how: v.how,
        status: v.status
      })),
      notes: h.notes
    })),
    redirects: report.redirects,
    followCrossOrigin: report.followCrossOrigin,
    crossOriginAllowed: report.crossOriginAllowed,
    losses: losses(report),
    require: mode,
    exitCode: probeExitCode(report, mode)
  }, null, 2) + '\n'
}

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length))

function cell (v: HeaderVerdict | undefined): string {
  if (v === undefined) return '-'
  if (v.verdict === 'modified' && v.how !== null) return `modified:${v.how}`
  if (v.verdict === 'blocked' && v.status !== null) return `blocked:${v.status}`
  return v.verdict
}

function rows (hops: HopReport[]): Array<{ key: string, first: HeaderVerdict }> {
  const seen = new Map<string, HeaderVerdict>()
  for (const h of hops) for (const v of h.headers) if (!seen.has(v.shapeId)) seen.set(v.shapeId, v)
  return [...seen.entries()].map(([key, first]) => ({ key, first }))
}

export function toText (report: ProbeReport, mode: RequireMode): string {
  const lines: string[] = [`hopwatch probe ${report.target}`]
  report.hops.forEach((h, i) => {
    lines.push(`  hop ${i + 1}  ${h.url}  ${h.reached ? 'reached a tap' : 'NO TAP ANSWERED'}${h.server === null ? '' : `  (Server: ${h.server})`}`)
  })
  lines.push('')
  const hopCols = report.hops.map((_, i) => `hop ${i + 1}`)
  lines.push(pad('header', 22) + pad('shape', 28) + pad('kind', 10) + hopCols.map((c) => pad(c, 20)).join(''))
  for (const { key, first } of rows(report.hops)) {
    const cells = report.hops.map((h) => pad(cell(h.headers.find((v) => v.shapeId === key)), 20)).join('')
    lines.push(pad(first.name, 22) + pad(first.shape, 28) + pad(first.required ? 'required' : 'limit', 10) + cells)
  }
  const found = losses(report)
  if (found.length > 0) {
    lines.push('', 'Where each credential is lost, and the most likely fix')
    for (const l of found) {
      const detail = report.hops[l.hop - 1]?.headers.find((v) => v.name === l.name && v.shape === l.shape)?.detail ?? ''
      lines.push(`- ${l.name} (${l.shape}, ${l.required ? 'required' : 'limit'}): ${l.verdict} by the layers at hop ${l.hop} ${l.url}${l.server === null ? '' : ` (${l.server})`}. ${detail}`)
      if (l.fix !== null) lines.push(`    fix: ${l.fix}`)
    }
  }
  const notes = report.hops.flatMap((h, i) => h.notes.map((n) => `- hop ${i + 1}: ${n}`))
  if (notes.length > 0) lines.push('', 'Notes', ...notes)
  if (report.redirects.length > 0) {
    lines.push('', 'Redirects')
    for (const r of report.redirects) {
      const origin = r.changesOrigin ? `changes origin (${r.changes.join(', ')})` : 'same origin'
      const followed = r.followed ? (r.changesOrigin ? ', followed with fresh canaries (--follow-cross-origin)' : ', followed') : ', NOT followed: no canary was sent there'
      lines.push(`- ${r.status} ${r.from} -> ${r.to}: ${origin}${followed}`)
      if (r.dropAuthorization.length > 0) lines.push(`    Authorization dropped by: ${r.dropAuthorization.join('; ')}`)
    }
  }
  if (report.followCrossOrigin && report.redirects.some((r) => r.changesOrigin && r.followed)) {
    lines.push('', 'Cross-origin redirects were followed with canaries (as curl --location-trusted would): what arrived behind them reached clients that re-send credentials, not browsers, fetch, curl -L or requests.')
  }
  lines.push('', verdictLine(report, mode))
  return lines.join('\n') + '\n'
}

function verdictLine (report: ProbeReport, mode: RequireMode): string {
  const counted = mode === 'all' ? 'credential shapes' : 'required credentials'
  const lostOnTheWay = report.hops.some((h) => h.headers.some((v) => counts(v, mode) && v.verdict !== 'intact'))
  const redirects = failingRedirects(report, mode)
  if (redirects.length > 0) {
    const first = redirects[0] as MetRedirect
    return `A redirect changes origin on the way (${first.from} -> ${first.to}): clients such as browsers, fetch, curl -L and requests drop Authorization on it${lostOnTheWay ? `, and some ${counted} did not arrive intact` : ''} (exit 1; --allow-cross-origin-redirect if it is intended).`
  }
  if (lostOnTheWay) return `Some ${counted} did not arrive intact (exit 1).`
  return `All ${counted} arrived intact at every hop.`
}
