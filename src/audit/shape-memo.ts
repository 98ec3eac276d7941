// Exchanges of one shape share everything derived from that shape, so it is derived once.
//
// The shape: method, HTTP version, route and query parameter names, every request header name
// in order, the values of the headers the diagnosis reads (VALUE_HEADERS), the name of each
// credential line as it arrived and as it left, and the answer: status, challenges, Location,
// Retry-After. Two exchanges with the same shape get the same response summary, drops, layer
// sightings and shape-only findings. A credential's value is never part of the shape: every
// user would be a shape of its own. What differs per exchange is set per exchange: id, times,
// path, context values, the credential stages (one fingerprint per value), Date, the status
// sent to the client, aborted, the pairing id; the per-exchange rules (those that read a
// fingerprint's per-value parts among them) run again.
//
// The key spells out names and the non-secret values the diagnosis reads (Host, Via,
// Forwarded...); challenges and Location enter it only as one keyed SHA-256 digest, so it holds
// no secret. Exchanges that are rare or carry per-response secrets (websockets, upstream
// failures, Set-Cookie) are built in full every time.
//
// Every audited exchange carries its Shape (src/capture/shape.ts): the diagnosis of the shape,
// its latest response summary and where its context values sit are kept in the shape's memo
// slots, as store, metrics, log line and rules keep theirs.
import { hash, randomBytes } from 'node:crypto'
import { credentialStages, foldedPathOf, ofShape, type ExchangeInput } from '../capture/exchange.js'
import { keepFingerprint, type Hasher } from '../capture/fingerprint.js'
import { contextOf, isContextHeader, MAX_CONTEXT_VALUE, MAX_CONTEXT_VALUES } from '../capture/request.js'
import type { Exchange, ResponseSummary, SeenHeader } from '../capture/types.js'
import type { Derivation } from '../diagnose/types.js'
import { VALUE_HEADERS } from '../diagnose/view.js'
import { routeOf } from '../capture/routes.js'
import { indexHeaders, type HeaderIndex } from '../capture/header-index.js'
import { Shape, shapeSlot } from '../capture/shape.js'
import { Lru } from '../capture/lru.js'

/** Shapes remembered, the least recently used forgotten first (a burst of new shapes no longer empties the memo). */
const MAX_SHAPES = 1024
/** A longer key (thousands of header names, 9 KB names) is kept as its SHA-256: 1,024 keys stay under 1 MiB. */
const MAX_KEY = 1024
const MAX_TEXT = 200
/** Response headers that decide the response summary, hashed into the key (they can carry tokens). */
const HASHED_ANSWER = ['www-authenticate', 'proxy-authenticate', 'location'] as const

/** The latest response summary of a shape (it differs between exchanges by Date only). */
const LATEST = shapeSlot<{ response: ResponseSummary }>('latest response')
/** Where a shape's context values sit in its raw headers. */
const CONTEXT_SLOTS = shapeSlot<ContextSlots>('context slots')

export class ShapeMemo {
  private readonly shapes = new Lru<string, Shape>(MAX_SHAPES)

  /** Random per memo: the key's hash of challenges and Location is keyed, like a fingerprint. */
  private readonly salt = randomBytes(16).toString('base64')

  constructor (private readonly credentialNames: ReadonlySet<string>) {}

  /** The shape key of an exchange, or null when it is to be built in full. */
  key (input: ExchangeInput, index: HeaderIndex = indexHeaders(input.rawHeaders), path: string = foldedPathOf(input.url)): string | null {
    const answer = input.upstreamHeaders
    if (input.websocket || input.error !== null || answer === null || answer['set-cookie'] !== undefined) return null
    const url = input.url
    const q = url.indexOf('?')
    let key = `${input.method} ${input.httpVersion} ${input.protocol ?? ''}${input.tls === true ? '+tls' : ''} ${routeOf(path, true)}`
    if (q >= 0) {
      // Raw parameter names, values left out: the names decide queryKeys.
      for (const part of url.slice(q + 1).split('&')) {
        const eq = part.indexOf('=')
        key += `&${eq < 0 ? part : part.slice(0, eq)}`
      }
    }
    const raw = input.rawHeaders
    const lower = index.lower
    for (let i = 0; i < raw.length; i += 2) {
      key += `\n${raw[i] as string}`
      if (VALUE_HEADERS.has(lower[i >> 1] as string)) {
        const value = raw[i + 1] as string
        if (value.includes('\n')) return null
        key += `:${value}`
      }
    }
    // Credential lines by name only, as they arrived and as they left: their values are each
    // exchange's own (fingerprints are made per exchange), so 20,000 users are one shape.
    const pairs = input.arrivedPairs
    for (let i = 0; i < pairs.length; i += 2) key += `\n${pairs[i] as string}`
    key += '\n>'
    const forwarded = input.forwarded
    if (forwarded === null) key += '!'
    else {
      for (const name in forwarded) {
        if (!this.credentialNames.has(name.toLowerCase())) continue
        const value = forwarded[name]
        if (value === undefined || value === null) continue
        if (!Array.isArray(value)) key += `\n${name}`
        else for (let j = 0; j < value.length; j++) key += `\n${name}`
      }
    }
    let secrets = ''
    for (const name of HASHED_ANSWER) {
      const value = answer[name]
      key += '\n<'
      if (value !== undefined) secrets += lengthPrefixed(Array.isArray(value) ? value.join('\n') : String(value))
      else key += '-'
    }
    key += `\n${input.status}`
    // gRPC: the status and message (trailers first, as the summary reads them); the message may
    // quote anything, so it goes into the keyed digest.
    const grpcFrom = input.upstreamTrailers?.['grpc-status'] !== undefined ? input.upstreamTrailers : answer
    const grpcStatus = grpcFrom['grpc-status']
    if (grpcStatus !== undefined) {
      key += `\ngrpc=${String(grpcStatus)}`
      const message = grpcFrom['grpc-message']
      if (message !== undefined) secrets += lengthPrefixed(`grpc-message:${String(message)}`)
    }
    const retryAfter = answer['retry-after']
    if (retryAfter !== undefined) key += `\nretry-after=${String(retryAfter)}`
    // A long key is kept as its digest (after a SOH, which no header or target holds either).
    if (key.length > MAX_KEY) key = `\u0001${hash('sha256', key, 'base64')}`
    // The names and non-secret values are the key as they are; challenges and Location (they can
    // carry tokens) only as one keyed digest after a NUL, which no header or target can hold.
    return secrets === '' ? key : `${key}\u0000${hash('sha256', `${this.salt}${secrets}`, 'base64')}`
  }

  get (key: string): Shape | undefined {
    return this.shapes.get(key)
  }

  /**
   * The shape of `exchange`, just built in full: remembered as the shape of `key`, its shared
   * parts frozen; with a null key, a shape of its own that remembers nothing.
   */
  remember (key: string | null, exchange: Exchange, hasher: Hasher): Shape {
    const shape = new Shape(key, exchange)
    exchange.shape = shape
    if (key === null) return shape
    // The fingerprint cache lets a value in on its second sighting; the first user's are kept
    // now, so that user's next exchanges carry the shape's own stages (perArrived reuses work).
    for (const stage of [exchange.arrived, exchange.forwarded]) {
      for (const h of stage ?? []) for (const fp of h.values) keepFingerprint(h.key, fp, hasher)
    }
    for (const list of Object.values(exchange.context)) Object.freeze(list)
    for (const part of [exchange.context, exchange.headerNames, exchange.queryKeys, exchange.arrived, exchange.forwarded, exchange.droppedHere, exchange.dropReasons, exchange.response]) {
      if (part !== null) Object.freeze(part)
    }
    this.shapes.set(key, shape)
    return shape
  }

  /** A new exchange of a known shape: its own credential stages (one fingerprint per value), the rest shared. */
  instantiate (shape: Shape, input: ExchangeInput, hash: Hasher, index: HeaderIndex = indexHeaders(input.rawHeaders), path: string = foldedPathOf(input.url)): Exchange {
    const base = shape.parts
    const date = dateOf(input.upstreamHeaders?.date)
    const latest = shape.remembered(LATEST, base, latestOf)
    if (latest.response.date !== date) latest.response = Object.freeze({ ...latest.response, date })
    const context = sameContext(base.context, shape.remembered(CONTEXT_SLOTS, index, contextSlots), input.rawHeaders) ? base.context : contextOf(input.rawHeaders, index)
    const stages = credentialStages(input, this.credentialNames, hash)
    return ofShape(shape, {
      id: input.id,
      startedAt: input.startedAt,
      durationMs: input.durationMs,
      path,
      context,
      arrived: sameStage(base.arrived, stages.arrived) ? base.arrived : stages.arrived,
      forwarded: base.forwarded !== null && stages.forwarded !== null && sameStage(base.forwarded, stages.forwarded) ? base.forwarded : stages.forwarded,
      response: latest.response,
      clientStatus: input.clientStatus,
      aborted: input.aborted,
      pairId: input.pairId
    })
  }
}

/** The findings of a shape's diagnosis, frozen: every exchange of the shape shares them. */
export function frozenDerivation (derived: Derivation | undefined): Derivation | undefined {
  for (const found of derived?.byRule ?? []) {
    if (found === null) continue
    for (const f of found) { Object.freeze(f.evidence); Object.freeze(f) }
    Object.freeze(found)
  }
  return derived
}

function latestOf (base: Exchange): { response: ResponseSummary } {
  return { response: base.response }
}

/** Where a shape's context values sit in its raw headers: [value index, lower-case name, nth value]. */
type ContextSlots = ReadonlyArray<readonly [number, string, number]>

function contextSlots (index: HeaderIndex): ContextSlots {
  const slots: Array<[number, string, number]> = []
  const counts: Record<string, number> = {}
  const lower = index.lower
  for (let i = 0; i < lower.length; i++) {
    const key = lower[i] as string
    if (!isContextHeader(key)) continue
    const nth = counts[key] ?? 0
    counts[key] = nth + 1
    if (nth < MAX_CONTEXT_VALUES) slots.push([2 * i + 1, key, nth])
  }
  return slots
}

/**
 * True when `rawHeaders` would give exactly `context`: the shape fixes which headers arrive, in
 * which order, so only the values at its slots can differ. Then the exchange shares `context`.
 */
function sameContext (context: Readonly<Record<string, readonly string[]>>, slots: ContextSlots, rawHeaders: string[]): boolean {
  for (const [at, key, nth] of slots) {
    const value = rawHeaders[at] as string
    const kept = context[key]?.[nth]
    if (value.length > MAX_CONTEXT_VALUE ? value.slice(0, MAX_CONTEXT_VALUE) !== kept : value !== kept) return false
  }
  return true
}

/**
 * True when `got` holds the very fingerprints of `base` (the shape fixes names and lines; a
 * fingerprint made before is the same object): the exchange then shares the frozen stage.
 */
function sameStage (base: readonly SeenHeader[], got: readonly SeenHeader[]): boolean {
  if (base.length !== got.length) return false
  for (let i = 0; i < base.length; i++) {
    const a = (base[i] as SeenHeader).values
    const b = (got[i] as SeenHeader).values
    if (a.length !== b.length) return false
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false
  }
  return true
}

/** `12:value`: values of any content concatenate without ambiguity. */
function lengthPrefixed (value: string): string {
  return `${value.length}:${value}`
}

function dateOf (value: string | string[] | number | undefined): string | null {
  if (value === undefined) return null
  const first = Array.isArray(value) ? value[0] : String(value)
  return first === undefined ? null : first.slice(0, MAX_TEXT)
}
