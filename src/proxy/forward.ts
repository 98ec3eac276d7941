// Plain requests to the upstream, with undici and nothing in between: the request target byte
// for byte, the client's header lines in their order, casing and number less the hop-by-hop set,
// the body streamed as it arrives. (@fastify/reply-from, used before, built the upstream URL
// with the WHATWG URL parser, which turned `/a\..\b` into `/b`; handed undici a header object,
// so duplicates were joined and names lower-cased; and retried a GET answered 503.)
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import { answerFromUpstream } from './answer.js'

/**
 * Request headers that describe the client's connection to hopwatch, not the request (RFC 9110
 * 7.6.1, RFC 9112 9.6): never forwarded. Transfer-Encoding: undici frames the body again (chunked
 * when there is no Content-Length). Expect: hopwatch answers `100-continue` itself (Node's HTTP
 * server sends `100 Continue` when the handler starts, and 417 to any other expectation).
 * TE is kept when it is exactly `trailers`.
 */
export const HOP_BY_HOP_REQUEST: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'expect'])
/** Response headers an HTTP/2 answer may not carry, besides the hop-by-hop ones answer.ts removes. */
const H2_REFUSED_RESPONSE = ['upgrade', 'http2-settings', 'te']
/** Never removed even when the client's Connection names them: they frame the request. */
const FRAMING: ReadonlySet<string> = new Set(['host', 'content-length', 'transfer-encoding'])

export interface UpstreamLines {
  /** Flat name/value list for undici, in the client's order and casing. */
  lines: string[]
  /** Lower-case names the client's Connection header nominated (removed), or null. */
  nominated: Set<string> | null
  /** The request declares a body (Content-Length above 0, or Transfer-Encoding). */
  body: boolean
  /** Host lines seen; more than one is refused (RFC 9112 3.2). */
  hosts: number
}

function nominatedBy (raw: string[]): Set<string> | null {
  let out: Set<string> | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue
    for (const token of (raw[i + 1] as string).split(',')) {
      const key = token.trim().toLowerCase()
      if (key === '' || FRAMING.has(key)) continue
      out ??= new Set()
      out.add(key)
    }
  }
  return out
}

/** The client's header lines as they go upstream; `drop` (lower case) is left out too. */
export function upstreamLines (raw: string[], drop: string | null): UpstreamLines {
  const nominated = nominatedBy(raw)
  const lines: string[] = []
  let body = false
  let hosts = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    const value = raw[i + 1] as string
    const key = name.toLowerCase()
    if (HOP_BY_HOP_REQUEST.has(key)) {
      if (key === 'transfer-encoding') body = true
      else if (key === 'te' && value.toLowerCase() === 'trailers' && nominated?.has('te') !== true) lines.push(name, value)
      continue
    }
    if (key === 'host') hosts++
    else if (key === 'content-length') { if (value !== '0') body = true } else if (key === drop || nominated?.has(key) === true) continue
    lines.push(name, value)
  }
  return { lines, nominated, body, hosts }
}

/**
 * The credential lines that left, as a header object (lower-case names, arrays for repeats): what
 * the Auditor compares with what arrived. `arrived` holds only credential pairs, so this is small.
 */
export function forwardedCredentials (arrived: string[], nominated: ReadonlySet<string> | null): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (let i = 0; i < arrived.length; i += 2) {
    const key = (arrived[i] as string).toLowerCase()
    if (nominated?.has(key) === true) continue
    const value = arrived[i + 1] as string
    const seen = out[key]
    if (seen === undefined) out[key] = value
    else if (typeof seen === 'string') out[key] = [seen, value]
    else seen.push(value)
  }
  return out
}

export interface RelayHooks {
  onHeaders: (request: FastifyRequest, headers: Record<string, unknown>) => void
  onError: (request: FastifyRequest, reply: FastifyReply, error: Error) => void
}

/** Send the request upstream; the answer goes back through answerFromUpstream(). */
export function relay (request: FastifyRequest, reply: FastifyReply, pool: Dispatcher, path: string, out: UpstreamLines, hooks: RelayHooks): void {
  const raw = request.raw
  pool.request({ method: raw.method as Dispatcher.HttpMethod, path, headers: out.lines, body: out.body ? raw : null }, (err, res) => {
    if (err !== null) {
      if (!reply.sent && !reply.raw.headersSent) hooks.onError(request, reply, err)
      return
    }
    const headers = res.headers as Record<string, unknown>
    // undici has already de-chunked the body; the client's framing is Node's to choose.
    delete headers['transfer-encoding']
    const h2 = raw.httpVersionMajor === 2
    // HTTP/2 has no connection-specific headers (RFC 9113 8.2.2): Node refuses to send them.
    if (h2) for (const name of H2_REFUSED_RESPONSE) delete headers[name]
    hooks.onHeaders(request, headers)
    if (reply.raw.destroyed || (raw.destroyed && !raw.complete)) {
      // The client went away before the answer: nobody to send it to.
      res.body.destroy()
      return
    }
    // An HTTP/1 connection cannot take another request until its body has been read: close it
    // when the upstream answered first.
    if (!raw.complete && !h2) reply.header('connection', 'close')
    answerFromUpstream(request, reply, { statusCode: res.statusCode, headers, stream: res.body })
  })
}
