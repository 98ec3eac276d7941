// What may differ between a request sent direct and the same request through hopwatch: exactly
// the set the README documents ("What hopwatch does to traffic"), nothing else.
import { createHash } from 'node:crypto'
import type { Recorded } from '../../helpers/recording-upstream.js'
import type { ClientResult } from './clients.js'

/** Never forwarded (README: the hop-by-hop set); TE only when it is exactly `trailers`. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'expect'])
/** Written by undici itself (README: host first and lower-case, content-length after the others). */
const FRAMING = new Set(['host', 'content-length'])
/** Methods undici sends `content-length: 0` for; other methods lose a `Content-Length: 0` line. */
const PAYLOAD_METHODS = new Set(['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH'])

interface Normalised {
  method: string
  target: string
  /** Every other line, in order, with its casing. */
  lines: string[]
  /** Host (port masked) and Content-Length values, lower-case names, in order. */
  framing: string[]
  body: string
}

function nominated (lines: Array<[string, string]>): Set<string> {
  const out = new Set<string>()
  for (const [name, value] of lines) {
    if (name.toLowerCase() !== 'connection') continue
    for (const token of value.split(',')) {
      const key = token.trim().toLowerCase()
      if (key !== '' && !FRAMING.has(key) && key !== 'transfer-encoding') out.add(key)
    }
  }
  return out
}

/** The body's sha256, with a multipart boundary (random per send) replaced by a fixed word. */
function bodyHash (r: Recorded): string {
  const type = r.lines.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? ''
  const boundary = /boundary=("?)([^";]+)\1/i.exec(type)?.[2]
  if (boundary === undefined || r.body === null) return r.bodySha256
  return createHash('sha256').update(r.body.toString('latin1').replaceAll(boundary, 'BOUNDARY')).digest('hex')
}

const unboundary = (line: string): string => line.replace(/boundary=("?)([^";]+)\1/i, 'boundary=BOUNDARY')

const maskPort = (value: string): string => value.replace(/:\d+$/, ':PORT')

/** What the upstream got direct, less what the README says hopwatch leaves out. */
function direct (r: Recorded): Normalised {
  const named = nominated(r.lines)
  const lines: string[] = []
  const framing: string[] = []
  for (const [name, value] of r.lines) {
    const key = name.toLowerCase()
    if (HOP_BY_HOP.has(key) && !(key === 'te' && value.toLowerCase() === 'trailers' && !named.has('te'))) continue
    if (FRAMING.has(key)) {
      if (key === 'content-length' && value === '0' && !PAYLOAD_METHODS.has(r.method)) continue
      framing.push(`${key}: ${key === 'host' ? maskPort(value) : value}`)
      continue
    }
    if (named.has(key)) continue
    lines.push(unboundary(`${name}: ${value}`))
  }
  return { method: r.method, target: r.target, lines, framing: framing.sort(), body: bodyHash(r) }
}

/** What the upstream got through hopwatch, less the lines undici writes for its own connection. */
function proxied (r: Recorded, hadHost: boolean, wasChunked: boolean): Normalised {
  const lines: string[] = []
  const framing: string[] = []
  for (const [name, value] of r.lines) {
    const key = name.toLowerCase()
    if (name === 'connection' && (value === 'keep-alive' || value === 'close')) continue
    if (name === 'transfer-encoding' && value === 'chunked') continue
    if (FRAMING.has(key)) {
      // A request without Host (HTTP/1.0) gets the upstream's authority as Host.
      if (key === 'host' && !hadHost) continue
      // A chunked body hopwatch already holds whole is framed with its length instead.
      if (key === 'content-length' && wasChunked && value === String(r.bodyLength)) continue
      framing.push(`${key}: ${key === 'host' ? maskPort(value) : value}`)
      continue
    }
    lines.push(unboundary(`${name}: ${value}`))
  }
  return { method: r.method, target: r.target, lines, framing: framing.sort(), body: bodyHash(r) }
}

function lineDiff (a: string[], b: string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i}: direct ${JSON.stringify(a[i]?.slice(0, 80))} / through ${JSON.stringify(b[i]?.slice(0, 80))} (${a.length} vs ${b.length} lines)`
  }
  return ''
}

/** Every difference outside the documented set, as short sentences (no header value is secret here). */
export function differences (direct0: Recorded[], through: Recorded[], client0: ClientResult, client1: ClientResult): string[] {
  const out: string[] = []
  if (client0.status !== client1.status) out.push(`client status: direct ${client0.status}, through hopwatch ${client1.status}`)
  if (client0.bodySha256 !== client1.bodySha256) out.push('client body differs')
  if (direct0.length !== through.length) {
    out.push(`upstream requests: direct ${direct0.length}, through hopwatch ${through.length}`)
    return out
  }
  for (let i = 0; i < direct0.length; i++) {
    const r0 = direct0[i] as Recorded
    const r1 = through[i] as Recorded
    const a = direct(r0)
    const b = proxied(r1, r0.lines.some(([n]) => n.toLowerCase() === 'host'), r0.lines.some(([n]) => n.toLowerCase() === 'transfer-encoding'))
    if (a.method !== b.method) out.push(`#${i} method: ${a.method} / ${b.method}`)
    if (a.target !== b.target) out.push(`#${i} target: ${JSON.stringify(a.target)} / ${JSON.stringify(b.target)}`)
    const lines = lineDiff(a.lines, b.lines)
    if (lines !== '') out.push(`#${i} header ${lines}`)
    const framing = lineDiff(a.framing, b.framing)
    if (framing !== '') out.push(`#${i} host/content-length ${framing}`)
    if (a.body !== b.body) out.push(`#${i} request body: direct ${r0.bodyLength} bytes, through ${r1.bodyLength} bytes`)
  }
  return out
}
