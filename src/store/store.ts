// The bounded in-memory store: the last N exchanges in a ring, plus running aggregates.
// Memory stays flat however long it runs; the oldest exchange is forgotten first and counted.
import type { Exchange, SeenHeader } from '../capture/types.js'
import { perShape } from '../capture/per-shape.js'

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

export class ExchangeStore {
  readonly since = new Date()
  private readonly ring: Array<Exchange | undefined>
  private next = 0
  private size = 0
  total = 0
  withCredentials = 0
  evicted = 0
  readonly headers = new Map<string, HeaderCounts>()
  readonly statuses = new Map<number, number>()
  readonly routes = new Map<string, RouteCounts>()
  private readonly cells = new WeakMap<readonly SeenHeader[], Cells>()

  constructor (readonly capacity: number) {
    this.ring = new Array<Exchange | undefined>(capacity)
  }

  add (ex: Exchange): void {
    const old = this.ring[this.next]
    if (old !== undefined) this.evicted++
    else this.size++
    this.ring[this.next] = ex
    this.next = (this.next + 1) % this.capacity
    this.count(ex)
  }

  private count (ex: Exchange): void {
    this.total++
    this.statuses.set(ex.clientStatus, (this.statuses.get(ex.clientStatus) ?? 0) + 1)
    const cells = this.cellsOf(ex)
    const unauthorized = ex.response.status === 401
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
   * The counters an exchange adds to, found once per shape (its frozen `arrived` array stands
   * for method, route and stages). Counters are never removed, so remembered ones stay current.
   */
  private cellsOf (ex: Exchange): Cells {
    return perShape(this.cells, ex.arrived, ex, this.findCells)
  }

  private readonly findCells = (_arrived: readonly SeenHeader[], ex: Exchange): Cells => {
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
    for (const ex of this.ring) if (ex !== undefined && ex.id === id) return ex
    return undefined
  }

  /** Newest first. */
  list (query: ExchangeQuery = {}): Exchange[] {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), this.capacity)
    const header = query.header?.toLowerCase()
    const out: Exchange[] = []
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const ex = this.ring[(this.next - i + this.capacity) % this.capacity]
      if (ex === undefined) continue
      if (query.status !== undefined && ex.clientStatus !== query.status) continue
      if (header !== undefined && !ex.arrived.some((h) => h.key === header)) continue
      out.push(ex)
    }
    return out
  }
}
