// The plain-text report, for curl and terminals: findings first, worst first, each with its fix.
import type { Report } from './model.js'

function pad (text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

function table (head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => pad(c, widths[i] ?? 0)).join('  ').trimEnd()
  return [line(head), ...rows.map(line)]
}

/** Said on every report of a sidecar started with --upstream-insecure. */
export const UNVERIFIED = "upstream TLS NOT VERIFIED (--upstream-insecure): clients' credentials go to whoever answers at the upstream's address"

export function renderText (report: Report): string {
  const out: string[] = []
  const t = report.totals
  out.push(`hopwatch report  ${report.generatedAt}  (since ${report.since})`)
  out.push(`exchanges ${t.exchanges}, with credentials ${t.withCredentials}, evicted ${t.evicted} (oldest forgotten first), stored ${t.stored}`)
  const protocols = Object.entries(report.protocols ?? {})
  if (protocols.length > 0) out.push(`protocols ${protocols.map(([name, n]) => `${name}: ${n}`).join(', ')}`)
  if (t.auditFailures > 0) out.push(`audit failures ${t.auditFailures} (traffic was forwarded regardless)`)
  if (report.upstreamTls === 'unverified') out.push(UNVERIFIED)
  if (t.refused > 0) out.push(`refused by the HTTP parser ${t.refused} (malformed or smuggling-shaped requests, answered 400/408/431, never forwarded)`)
  out.push('')
  out.push(`FINDINGS (${report.findings.length})`)
  if (report.findings.length === 0) out.push('  none')
  for (const f of report.findings) {
    const where = [f.header === null ? null : `header ${f.header}`, f.layer === null ? null : `layer ${f.layer} (${f.confidence})`, `route ${f.route}`]
      .filter((x) => x !== null).join(', ')
    out.push(`  ${f.severity.toUpperCase()} ${f.rule} x${f.count}: ${f.summary}`)
    const over = f.protocols === undefined || f.protocols.length === 0 ? '' : `; over ${f.protocols.join(', ')}`
    out.push(`    ${where}; examples ${f.examples.join(' ')}${over}`)
    for (const line of f.evidence ?? []) out.push(`    - ${line}`)
    if (f.remediation !== '') out.push(`    fix: ${f.remediation}`)
  }
  if (report.layers.length > 0) {
    out.push('')
    out.push('LAYERS')
    for (const l of report.layers) out.push(`  ${l.id} (${l.confidence}) in ${l.exchanges} exchanges: ${l.evidence.join(', ')}`)
  }
  if (report.pairing !== undefined) {
    const p = report.pairing
    out.push('')
    out.push(`BETWEEN EDGE AND ORIGIN  (edge exchanges ${p.edgeExchanges}, paired certain ${p.pairedCertain}, likely ${p.pairedLikely}, stamp missing ${p.stampMissing}, forged ${p.stampForged}, unpaired ${p.unpaired})`)
    if (p.stampMissing > 0) out.push('  stamp missing: a layer between the taps drops unknown headers (or traffic reached the origin without passing the edge)')
    const rows = Object.entries(p.perHeader).map(([name, c]) => [name, String(c.intact), String(c.dropped), String(c.modified), String(c.renamed), String(c.added)])
    if (rows.length > 0) out.push(...table(['header', 'intact', 'dropped', 'modified', 'renamed', 'added'], rows).map((l) => `  ${l}`))
  }
  out.push('')
  out.push('CREDENTIAL HEADERS')
  if (report.headers.length === 0) out.push('  none seen')
  else out.push(...table(['header', 'arrived', 'forwarded', 'dropped here', 'on 401'],
    report.headers.map((h) => [h.name, String(h.arrived), String(h.forwarded), String(h.droppedHere), String(h.onUnauthorized)])).map((l) => `  ${l}`))
  out.push('')
  out.push('ROUTES')
  if (report.routes.length === 0) out.push('  none seen')
  else out.push(...table(['method', 'route', 'exchanges', '401', 'with credentials'],
    report.routes.map((r) => [r.method, r.route, String(r.exchanges), String(r.unauthorized), String(r.withCredentials)])).map((l) => `  ${l}`))
  out.push('')
  out.push(`STATUSES  ${Object.entries(report.statuses).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none'}`)
  if (report.grpcStatuses !== undefined) out.push(`GRPC STATUSES  ${Object.entries(report.grpcStatuses).map(([code, n]) => `${code}: ${n}`).join(', ')}`)
  return out.join('\n') + '\n'
}
