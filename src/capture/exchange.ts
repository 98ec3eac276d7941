// Assemble an Exchange from what the hot path noted. Runs after the response has gone.
import type { Hasher } from './fingerprint.js'
import { connectionNominated, pairsFromObject, requestContext, seenHeaders, type RawPairs } from './request.js'
import { summarizeResponse, type HeaderBag } from './response.js'
import { foldPath, routeOf } from './routes.js'
import { queryNames } from './url.js'
import type { Exchange, ExchangeShape, Fingerprint, SeenHeader, WireProtocol } from './types.js'
import { indexHeaders, type HeaderIndex } from './header-index.js'
import { detached } from './detach.js'

export interface ExchangeInput {
  id: string
  startedAt: number
  durationMs: number
  method: string
  /** The request target as it arrived (path and query). */
  url: string
  httpVersion: string
  /** Default `http/1.1`. */
  protocol?: WireProtocol
  /** Default false. */
  tls?: boolean
  rawHeaders: string[]
  arrivedPairs: RawPairs
  /** Header object sent upstream, or null when nothing was sent. */
  forwarded: Record<string, unknown> | null
  status: number
  /** Upstream response headers; null when hopwatch answered itself. */
  upstreamHeaders: HeaderBag | null
  /** Upstream trailers (an HTTP/2 upstream), when any came. */
  upstreamTrailers?: HeaderBag | null
  clientStatus: number
  error: { code: string; message: string } | null
  aborted: boolean
  websocket: boolean
  pairId?: string | null
}

const MAX_PATH = 2048

/** The path of a request target (`q`: index of its `?`, or -1), at most MAX_PATH characters. */
export function pathOf (url: string, q: number): string {
  const end = Math.min(q < 0 ? url.length : q, MAX_PATH)
  // A slice would keep a long query (or path) alive with the stored exchange.
  return url.length - end > 256 ? detached(url.slice(0, end)) : url.slice(0, end)
}

/** The path of a request target as an Exchange keeps it: folded (no token in a segment survives). */
export function foldedPathOf (url: string): string {
  return foldPath(pathOf(url, url.indexOf('?')))
}

/** The query parameter names as an Exchange keeps them: names that read like words, `…` for anything else. */
function queryKeysOf (url: string): string[] {
  const q = url.indexOf('?')
  return q < 0 ? [] : queryNames(url.slice(q + 1))
}

/** Connection header values as they arrived (the context keeps them folded). */
function connectionValues (rawHeaders: string[], index: HeaderIndex): string[] | undefined {
  let out: string[] | undefined
  const lower = index.lower
  for (let i = 0; i < lower.length; i++) {
    if (lower[i] === 'connection') (out ??= []).push(rawHeaders[2 * i + 1] as string)
  }
  return out
}

const DROP_NOMINATED = "nominated in the client's Connection header, so it is hop-by-hop (RFC 9110 7.6.1) and the proxy layer removed it"
const DROP_OTHER = "removed by hopwatch's proxy layer before the upstream request"

/** Credential lines above which a forwarded value's fingerprint is looked up by a map, not a scan. */
const MAX_SCANNED = 32

/** A credential stage: what arrived and what left (null when nothing was sent upstream). */
export interface CredentialStages { arrived: SeenHeader[]; forwarded: SeenHeader[] | null }

/**
 * The credential stages of one exchange: one fingerprint per line (equal values hashed once for
 * both stages). These differ from one user to the next, so every exchange computes its own.
 */
export function credentialStages (input: ExchangeInput, credentialNames: ReadonlySet<string>, hash: Hasher): CredentialStages {
  const pairs = input.arrivedPairs
  const made: Fingerprint[] = []
  const arrived = seenHeaders(pairs, hash, made)
  if (input.forwarded === null) return { arrived, forwarded: null }
  // A value that left as it arrived (the usual case: the same string) has its fingerprint already:
  // found by a scan of the few lines a request has, by a map (for this call only) when many.
  let byValue: Map<string, Fingerprint> | undefined
  if (pairs.length > MAX_SCANNED) {
    byValue = new Map()
    for (let i = 0; i < pairs.length; i += 2) byValue.set(`${(pairs[i] as string).toLowerCase()}\u0000${pairs[i + 1] as string}`, made[i / 2] as Fingerprint)
  }
  const known = (key: string, value: string): Fingerprint | undefined => {
    if (byValue !== undefined) return byValue.get(`${key}\u0000${value}`)
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] === value && (pairs[i] as string).toLowerCase() === key) return made[i / 2]
    }
    return undefined
  }
  return { arrived, forwarded: seenHeaders(pairsFromObject(input.forwarded, credentialNames), hash, undefined, known) }
}

/**
 * An exchange built in full from what the hot path noted (`index` and `path`: its raw headers
 * scanned once and its path folded, when the caller has them). It has no shape yet: the audit gives it one (src/audit/shape-memo.ts).
 */
export function buildExchange (input: ExchangeInput, credentialNames: ReadonlySet<string>, hash: Hasher, index: HeaderIndex = indexHeaders(input.rawHeaders), path: string = foldedPathOf(input.url)): Exchange {
  const { arrived, forwarded } = credentialStages(input, credentialNames, hash)
  const { headerNames, context } = requestContext(input.rawHeaders, index)
  const droppedHere: string[] = []
  const dropReasons: Record<string, string> = {}
  if (forwarded !== null) {
    const left = new Set(forwarded.map((h) => h.key))
    const nominated = new Set(connectionNominated(connectionValues(input.rawHeaders, index)))
    for (const h of arrived) {
      if (left.has(h.key)) continue
      droppedHere.push(h.key)
      dropReasons[h.key] = nominated.has(h.key) ? DROP_NOMINATED : DROP_OTHER
    }
  }
  const queryKeys = queryKeysOf(input.url)
  const source = input.upstreamHeaders === null ? 'hopwatch' : 'upstream'
  const shared: SharedParts = {
    method: input.method,
    queryKeys,
    route: routeOf(path, true),
    httpVersion: input.httpVersion,
    protocol: input.protocol ?? 'http/1.1',
    tls: input.tls ?? false,
    websocket: input.websocket,
    headerNames,
    droppedHere,
    dropReasons,
    error: input.error
  }
  return assemble(shared, {
    id: input.id,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    path,
    context,
    arrived,
    forwarded,
    response: summarizeResponse(input.status, input.upstreamHeaders ?? {}, source, input.upstreamTrailers),
    clientStatus: input.clientStatus,
    aborted: input.aborted,
    pairId: input.pairId
  }, undefined)
}

/** What every exchange of one shape has in common (an Exchange has all of it). */
type SharedParts = Pick<Exchange, 'method' | 'queryKeys' | 'route' | 'httpVersion' | 'protocol' | 'tls' | 'websocket' | 'headerNames' | 'droppedHere' | 'dropReasons' | 'error'>

/** What an exchange of a known shape has of its own (see ofShape). */
export interface ExchangeParts {
  id: string
  startedAt: number
  durationMs: number
  /** The path, folded (foldedPathOf). */
  path: string
  context: Exchange['context']
  /** The credential stages: the same as the shape's when the values are, else this exchange's own. */
  arrived: Exchange['arrived']
  forwarded: Exchange['forwarded']
  response: Exchange['response']
  clientStatus: number
  aborted: boolean
  pairId: string | null | undefined
}

/**
 * Every Exchange object is made here, from its shared parts and its own, with the same fields
 * in the same order (one object layout for every exchange, however it was built).
 */
function assemble (shared: SharedParts, own: ExchangeParts, shape: ExchangeShape | undefined): Exchange {
  const exchange: Exchange = {
    id: own.id,
    startedAt: own.startedAt,
    durationMs: own.durationMs,
    method: shared.method,
    path: own.path,
    queryKeys: shared.queryKeys,
    route: shared.route,
    httpVersion: shared.httpVersion,
    protocol: shared.protocol,
    tls: shared.tls,
    websocket: shared.websocket,
    headerNames: shared.headerNames,
    context: own.context,
    arrived: own.arrived,
    forwarded: own.forwarded,
    droppedHere: shared.droppedHere,
    dropReasons: shared.dropReasons,
    response: own.response,
    clientStatus: own.clientStatus,
    error: shared.error,
    aborted: own.aborted,
    // Undefined when no edge listener runs: the JSON leaves it out, as it leaves out the shape.
    pairId: own.pairId,
    shape
  }
  return exchange
}

/**
 * An exchange of `shape` (src/audit/shape-memo.ts): it shares every part of the shape's first
 * exchange but `parts`, which differ from one exchange to the next. The store keeps only these, too.
 */
export function ofShape (shape: ExchangeShape, parts: ExchangeParts): Exchange {
  return assemble(shape.parts, parts, shape)
}
