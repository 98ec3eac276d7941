// The one log line per exchange: names, statuses and fingerprints, never values.
import type { Exchange, SeenHeader } from '../capture/types.js'
import type { Finding } from '../diagnose/types.js'

function brief (headers: SeenHeader[]): string[] {
  return headers.map((h) => {
    const fp = h.values[0]
    const scheme = fp?.scheme ?? ''
    return `${h.name}${h.lines > 1 ? `x${h.lines}` : ''}${scheme === '' ? '' : ` ${scheme}`}${fp === undefined ? '' : ` #${fp.hash}`}`
  })
}

export function exchangeLogLine (ex: Exchange, findings: Finding[]): Record<string, unknown> {
  const line: Record<string, unknown> = {
    id: ex.id,
    method: ex.method,
    route: ex.route,
    status: ex.clientStatus,
    ms: Math.round(ex.durationMs * 100) / 100,
    arrived: brief(ex.arrived)
  }
  if (ex.droppedHere.length > 0) line.droppedHere = ex.droppedHere
  if (ex.error !== null) line.upstreamError = ex.error.code
  if (ex.websocket) line.websocket = true
  if (ex.aborted) line.aborted = true
  if (findings.length > 0) line.findings = findings.map((f) => `${f.severity}:${f.rule}${f.header === null ? '' : `:${f.header}`}`)
  return line
}
