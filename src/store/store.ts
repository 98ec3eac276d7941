// The bounded in-memory store: the last N exchanges in a ring, plus running aggregates.
// Memory stays flat however long it runs; the oldest exchange is forgotten first and counted.
import { randomBytes } from 'node:crypto'
import type { Exchange, ExchangeShape, Fingerprint } from '../capture/types.js'
import { flatValues, sameValues, unflatten } from './stage-values.js'
import { isUnauthenticated } from '../capture/grpc.js'
import { ofShape } from '../capture/exchange.js'
import { perShape, shapeSlot } from '../capture/shape.js'
import { wireLabel } from '../capture/protocol.js'

export interface HeaderCounts { arrived: number; forwarded: number; droppedHere: number; onUnauthorized: number }
export interface RouteCounts { method: string; route: string; exchanges: number; unauthorized: number; withCredentials: number }

/** Routes beyond this many are counted under one `(other)` route. */
export const MAX_ROUTES = 500
/** Header names beyond this many (only credential names are counted) go under `(other)`. */
const MAX_HEADERS = 200

interface Cells {
  arrived: HeaderCounts[]
  forwarded: HeaderCounts[]
  dropped: HeaderCounts[]
  route: RouteCounts
}

export interface ExchangeQuery { limit?: number; status?: number; header?: string }

/**
 * One kept exchange. An exchange built in full is kept whole; one of a remembered shape (see
 * src/capture/shape.ts) as its shape plus the parts it differs from the shape's first exchange in. Slots are
 * made once and overwritten, so a kept exchange leaves the young generation nothing to copy or
 * promote (but its path when the shape's differs): keeping the last 1,000 exchanges had cost a
 * major collection every second and most of hopwatch's p99 latency. For the same reason an id
 * this store issued is kept as its number, and its text made again when it is read.
 */
interface Slot {
  used: boolean
  full: Exchange | null
  shape: ExchangeShape | null
  /** The id's number when this store issued it, else 0 and the id in `id`. */
  seq: number
  id: string | null
  startedAt: number
  durationMs: number
  path: string | null
  context: Exchange['context'] | null
  /** The exchange's own credential stages; null when they are the shape's (or kept as values). */
  arrived: Exchange['arrived'] | null
  forwarded: Exchange['forwarded'] | undefined
  /** Its own fingerprints in the shape's stage layout (stage-values.ts); null when not so kept. */
  arrivedValues: Fingerprint[] | null
  /** The same array as arrivedValues when the same fingerprints left. */
  forwardedValues: Fingerprint[] | null
  response: Exchange['response'] | null
  clientStatus: number
  aborted: boolean
  pairId: string | null | undefined
}

function emptySlot (): Slot {
  return { used: false, full: null, shape: null, seq: 0, id: null, startedAt: 0.5, durationMs: 0.5, path: null, context: null, arrived: null, forwarded: undefined, arrivedValues: null, forwardedValues: null, response: null, clientStatus: 0, aborted: false, pairId: undefined }
}

export class ExchangeStore {
  readonly since = new Date()
  private readonly ring: Slot[]
  private next = 0
  private size = 0
  total = 0
  withCredentials = 0
  evicted = 0
  readonly headers = new Map<string, HeaderCounts>()
  readonly statuses = new Map<number, number>()
  /** gRPC status codes of the answers that had one (from trailers or a trailers-only head). */
  readonly grpcStatuses = new Map<number, number>()
  readonly routes = new Map<string, RouteCounts>()
  /** Exchanges by the protocol they arrived in (wireLabel: http/1.1, http/1.1+tls, h2, h2c). */
  readonly protocols = new Map<string, number>()
  /** The counters of a shape's exchanges in this store. */
  private readonly cells = shapeSlot<Cells>('store counters')
  /** Ids are `<tag>-<number in base 36>`; the tag is random per store, so per process. */
  private readonly idTag = randomBytes(3).toString('hex')
  private seq = 0
  private lastId = ''

  constructor (readonly capacity: number) {
    this.ring = Array.from({ length: capacity }, emptySlot)
  }

  /** A new exchange id, unique in this process. */
  newId (): string {
    this.lastId = `${this.idTag}-${(++this.seq).toString(36)}`
    return this.lastId
  }

  /** The number of an id this store issued, or 0. */
  private seqOf (id: string): number {
    if (id.length <= this.idTag.length + 1 || !id.startsWith(this.idTag) || id[this.idTag.length] !== '-') return 0
    const digits = id.slice(this.idTag.length + 1)
    const seq = Number.parseInt(digits, 36)
    return Number.isSafeInteger(seq) && seq.toString(36) === digits ? seq : 0
  }

  private idOf (slot: Slot): string {
    return slot.id ?? `${this.idTag}-${slot.seq.toString(36)}`
  }

  private exchangeOf (slot: Slot): Exchange | undefined {
    if (!slot.used) return undefined
    if (slot.full !== null) return slot.full
    const shape = slot.shape as ExchangeShape
    const base = shape.parts
    return ofShape(shape, {
      id: this.idOf(slot),
      startedAt: slot.startedAt,
      durationMs: slot.durationMs,
      path: slot.path ?? base.path,
      context: slot.context ?? base.context,
      arrived: slot.arrivedValues !== null ? unflatten(base.arrived, slot.arrivedValues) : slot.arrived ?? base.arrived,
      forwarded: slot.forwardedValues !== null && base.forwarded !== null
        ? unflatten(base.forwarded, slot.forwardedValues)
        : slot.forwarded === undefined ? base.forwarded : slot.forwarded,
      response: slot.response ?? base.response,
      clientStatus: slot.clientStatus,
      aborted: slot.aborted,
      pairId: slot.pairId
    })
  }

  /** Keep `ex`: whole, or as what it differs in from the first exchange of its shape. */
  add (ex: Exchange): void {
    const slot = this.ring[this.next] as Slot
    if (slot.used) this.evicted++
    else this.size++
    slot.used = true
    // The latest id issued is the usual case: the exchange is kept as soon as it is built.
    if (ex.id === this.lastId) {
      slot.seq = this.seq
      slot.id = null
    } else {
      slot.seq = 0
      slot.id = ex.id
    }
    slot.clientStatus = ex.clientStatus
    const shape = ex.shape
    if (shape === undefined || shape.key === null || shape.parts === ex) {
      slot.full = ex
      slot.shape = null
      slot.path = null
      slot.context = null
      slot.arrived = null
      slot.forwarded = undefined
      slot.arrivedValues = null
      slot.forwardedValues = null
      slot.response = null
      slot.pairId = undefined
    } else {
      const base = shape.parts
      slot.full = null
      slot.shape = shape
      slot.startedAt = ex.startedAt
      slot.durationMs = ex.durationMs
      slot.path = ex.path === base.path ? null : ex.path
      slot.context = ex.context === base.context ? null : ex.context
      this.keepStages(slot, ex, base)
      slot.response = ex.response
      slot.aborted = ex.aborted
      slot.pairId = ex.pairId
    }
    this.next = (this.next + 1) % this.capacity
    this.count(ex)
  }

  /** An exchange's stages: nothing when they are its shape's, else its fingerprints when they fit the shape's layout. */
  private keepStages (slot: Slot, ex: Exchange, base: Exchange): void {
    const arrived = ex.arrived === base.arrived ? null : flatValues(ex.arrived, base.arrived)
    slot.arrivedValues = arrived
    slot.arrived = ex.arrived === base.arrived || arrived !== null ? null : ex.arrived
    slot.forwardedValues = null
    slot.forwarded = undefined
    if (ex.forwarded === base.forwarded) return
    const forwarded = ex.forwarded === null || base.forwarded === null ? null : flatValues(ex.forwarded, base.forwarded)
    if (forwarded === null) slot.forwarded = ex.forwarded
    else slot.forwardedValues = arrived !== null && sameValues(forwarded, arrived) ? arrived : forwarded
  }

  private count (ex: Exchange): void {
    this.total++
    this.statuses.set(ex.clientStatus, (this.statuses.get(ex.clientStatus) ?? 0) + 1)
    const wire = wireLabel(ex)
    this.protocols.set(wire, (this.protocols.get(wire) ?? 0) + 1)
    const cells = this.cellsOf(ex)
    const unauthorized = isUnauthenticated(ex.response)
    const grpc = ex.response.grpcStatus
    if (grpc !== undefined) this.grpcStatuses.set(grpc, (this.grpcStatuses.get(grpc) ?? 0) + 1)
    const withCredentials = ex.arrived.length > 0
    if (withCredentials) this.withCredentials++
    for (const c of cells.arrived) {
      c.arrived++
      if (unauthorized) c.onUnauthorized++
    }
    for (const c of cells.forwarded) c.forwarded++
    for (const c of cells.dropped) c.droppedHere++
    cells.route.exchanges++
    if (unauthorized) cells.route.unauthorized++
    if (withCredentials) cells.route.withCredentials++
  }

  /**
   * The counters an exchange adds to, found once per shape (its frozen header names stand for
   * method, route and the names in each stage). Counters are never removed, so remembered ones
   * stay current.
   */
  private cellsOf (ex: Exchange): Cells {
    return perShape(ex, this.cells, ex, this.findCells)
  }

  private readonly findCells = (ex: Exchange): Cells => {
    let routeKey = `${ex.method} ${ex.route}`
    if (!this.routes.has(routeKey) && this.routes.size >= MAX_ROUTES) routeKey = `${ex.method} (other)`
    let route = this.routes.get(routeKey)
    if (route === undefined) {
      route = { method: ex.method, route: routeKey.slice(ex.method.length + 1), exchanges: 0, unauthorized: 0, withCredentials: 0 }
      this.routes.set(routeKey, route)
    }
    return {
      arrived: ex.arrived.map((h) => this.headerCounts(h.key)),
      forwarded: (ex.forwarded ?? []).map((h) => this.headerCounts(h.key)),
      dropped: ex.droppedHere.map((key) => this.headerCounts(key)),
      route
    }
  }

  private headerCounts (key: string): HeaderCounts {
    let c = this.headers.get(key)
    if (c === undefined) {
      if (this.headers.size >= MAX_HEADERS) return this.headerCounts('(other)')
      c = { arrived: 0, forwarded: 0, droppedHere: 0, onUnauthorized: 0 }
      this.headers.set(key, c)
    }
    return c
  }

  /** A scan of the ring (admin requests are rare; no index is kept up to date per exchange). */
  get (id: string): Exchange | undefined {
    const seq = this.seqOf(id)
    for (const slot of this.ring) {
      if (slot.used && ((seq > 0 && slot.seq === seq) || slot.id === id)) return this.exchangeOf(slot)
    }
    return undefined
  }

  /** Newest first. */
  list (query: ExchangeQuery = {}): Exchange[] {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), this.capacity)
    const header = query.header?.toLowerCase()
    const out: Exchange[] = []
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const slot = this.ring[(this.next - i + this.capacity) % this.capacity] as Slot
      if (!slot.used) continue
      if (query.status !== undefined && slot.clientStatus !== query.status) continue
      if (header !== undefined && !(slot.full ?? (slot.shape as ExchangeShape).parts).arrived.some((h) => h.key === header)) continue
      const ex = this.exchangeOf(slot)
      if (ex !== undefined) out.push(ex)
    }
    return out
  }
}
