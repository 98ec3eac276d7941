// The one log line per exchange: names, statuses and fingerprints, never values. Written as
// pino writes a line (same fields, same order) but serialised here: this runs once per
// exchange, and the parts an exchange shares with others of its shape are serialised once.
import pino, { type Logger } from 'pino'
import type { Exchange, SeenHeader } from '../capture/types.js'
import type { Finding } from '../diagnose/types.js'
import { perArrived, perShape, shapeSlot } from '../capture/shape.js'
import { wireLabel } from '../capture/protocol.js'

const INFO = 30

function brief (headers: readonly SeenHeader[]): string[] {
  return headers.map((h) => {
    const fp = h.values[0]
    const scheme = fp?.scheme ?? ''
    return `${h.name}${h.lines > 1 ? `x${h.lines}` : ''}${scheme === '' ? '' : ` ${scheme}`}${fp === undefined ? '' : ` #${fp.hash}`}`
  })
}

/** The JSON of method and route, once per shape (src/capture/shape.ts). */
const REQUEST_JSON = shapeSlot<string>('log line: method and route')
/** The JSON of the arrived credentials, once per shape for its own users' fingerprints. */
const ARRIVED_JSON = shapeSlot<string>('log line: arrived')

function requestOf (ex: Exchange): string {
  return `"method":${JSON.stringify(ex.method)},"route":${JSON.stringify(ex.route)}`
}

function arrivedOf (arrived: readonly SeenHeader[]): string {
  return JSON.stringify(brief(arrived))
}

function label (f: Finding): string {
  return `${f.severity}:${f.rule}${f.header === null ? '' : `:${f.header}`}`
}

/**
 * A number as JSON text. Not `${n}`: V8 keeps every number it turns into a string that way in a
 * cache, so each exchange's fresh duration and time stayed alive until the next major
 * collection, and every young-generation collection had to copy them.
 */
function numberText (n: number): string {
  return JSON.stringify(Number.isFinite(n) ? n : null)
}

/** The exchange line's own fields, as JSON members (`"id":…,"method":…`). */
export function exchangeLogFields (ex: Exchange, findings: readonly Finding[]): string {
  const request = perShape(ex, REQUEST_JSON, ex, requestOf)
  const arrived = ex.arrived.length === 0 ? '[]' : perArrived(ex, ARRIVED_JSON, arrivedOf)
  let s = `"id":${JSON.stringify(ex.id)},${request}` +
    `,"status":${ex.clientStatus},"ms":${numberText(Math.round(ex.durationMs * 100) / 100)},"arrived":${arrived}`
  // gRPC: the status from the trailers (a small whole number, so no number-cache concern).
  if (ex.response.grpcStatus !== undefined) s += `,"grpcStatus":${ex.response.grpcStatus}`
  if (ex.droppedHere.length > 0) s += `,"droppedHere":${JSON.stringify(ex.droppedHere)}`
  if (ex.error !== null) s += `,"upstreamError":${JSON.stringify(ex.error.code)}`
  if (ex.websocket) s += ',"websocket":true'
  // Plain HTTP/1.1 says nothing, as before; any other way in is named (h2, h2c, http/1.1+tls).
  if (ex.protocol !== 'http/1.1' || ex.tls) s += `,"protocol":"${wireLabel(ex)}"`
  if (ex.aborted) s += ',"aborted":true'
  if (findings.length > 0) s += `,"findings":${JSON.stringify(findings.map(label))}`
  return s
}

interface PinoInternals { [pino.symbols.streamSym]?: { write: (line: string) => unknown }; [pino.symbols.chindingsSym]?: string }

/** Writes exchange lines to the logger's destination, at `info`. */
export function exchangeLogWriter (logger: Logger): (ex: Exchange, findings: readonly Finding[]) => void {
  const internals = logger as unknown as PinoInternals
  const stream = internals[pino.symbols.streamSym]
  const bindings = internals[pino.symbols.chindingsSym]
  if (stream === undefined || typeof stream.write !== 'function' || typeof bindings !== 'string') {
    return (ex, findings) => { logger.info(JSON.parse(`{${exchangeLogFields(ex, findings)}}`), 'exchange') }
  }
  return (ex, findings) => {
    if (logger.levelVal > INFO) return
    stream.write(`{"level":${INFO},"time":${numberText(Date.now())}${bindings},${exchangeLogFields(ex, findings)},"msg":"exchange"}\n`)
  }
}
