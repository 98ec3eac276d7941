// Bounded memory of who sent what: per client (X-Forwarded-For / X-Real-IP / Forwarded and
// User-Agent, kept in memory only, never reported) the credential headers it sent per route and
// its recent redirects; per route the credential headers it receives; every credential header
// name seen (for underscore variants). It turns "no credential arrived" into evidence: a client
// that sends this route the credential on other calls, or one with no sign of ever sending one.
import type { Exchange } from '../capture/types.js'
import { leastTouched } from './least-touched.js'
import type { Finding } from './types.js'

export const DEFAULT_MAX_CLIENTS = 1_000
const MAX_ROUTES_PER_CLIENT = 32
const MAX_ROUTES = 1_000
const MAX_NAMES = 64
const MAX_HEADERS = 16
const MAX_REDIRECTS = 8
/** A 401 this long after a redirect to its path is linked to that redirect. */
export const REDIRECT_LINK_MS = 30_000
/** An anonymous 401 is re-read when the same client sends the route its credential within this. */
export const ANONYMOUS_LINK_MS = 300_000
const MAX_PENDING = 8

/** An anonymous 401 kept with the blame it would carry if the client turned out to send the credential. */
export interface PendingAnonymous {
  exchangeId: string
  atMs: number
  route: string
  header: string | null
  wouldBe: readonly Finding[]
  /** Layers the 401 came through, sorted and joined: a later call through the same ones proves nothing. */
  path: string
}

/** The layers of a call as one comparable string. */
export function pathOf (layers: ReadonlyArray<{ id: string }>): string {
  return layers.map((l) => l.id).sort().join(',')
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

export interface RedirectSeen {
  exchangeId: string
  atMs: number
  status: number
  route: string
  /** Location as the upstream sent it; kept in memory for matching only, never reported. */
  location: string
  /** Lower-case credential headers the redirected request carried. */
  carried: readonly string[]
}

interface Client {
  /** Route -> lower-case credential header names this client sent there. */
  routes: Map<string, Set<string>>
  redirects: RedirectSeen[]
  anonymous: PendingAnonymous[]
  touched: number
}

function firstOf (list: readonly string[] | undefined): string {
  const value = list?.[0]
  if (value === undefined) return ''
  const comma = value.indexOf(',')
  return (comma < 0 ? value : value.slice(0, comma)).trim()
}

let lastExchange: Exchange | null = null
let lastKey = ''

/** Who sent it, as far as the headers tell: the forwarded client address and the User-Agent. */
export function clientKey (exchange: Exchange): string {
  // The rules and the memory ask several times about the same exchange in a row.
  if (exchange === lastExchange) return lastKey
  lastExchange = exchange
  lastKey = keyOf(exchange)
  return lastKey
}

function keyOf (exchange: Exchange): string {
  const c = exchange.context
  const address = firstOf(c['x-forwarded-for']) || firstOf(c['x-real-ip']) || firstOf(c.forwarded)
  return `${address}\u0000${firstOf(c['user-agent'])}`
}

/** True when the headers name the client beyond its User-Agent (an address set by a layer in front). */
export function clientAddressKnown (exchange: Exchange): boolean {
  const c = exchange.context
  return c['x-forwarded-for'] !== undefined || c['x-real-ip'] !== undefined || c.forwarded !== undefined
}

export class ClientMemory {
  private readonly clients = new Map<string, Client>()
  private readonly routeHeaders = new Map<string, Set<string>>()
  private readonly names = new Set<string>()
  private touches = 0

  constructor (private readonly maxClients: number = DEFAULT_MAX_CLIENTS) {}

  /** Keep an anonymous 401 for a while: a later call of the same client may show it sends the credential. */
  pendAnonymous (exchange: Exchange, header: string | null, wouldBe: readonly Finding[], path: string): void {
    if (wouldBe.length === 0 || path === '') return
    const client = this.client(clientKey(exchange))
    client.anonymous.push({ exchangeId: exchange.id, atMs: exchange.startedAt, route: exchange.route, header, wouldBe, path })
    if (client.anonymous.length > MAX_PENDING) client.anonymous.shift()
  }

  /**
   * Remember what this exchange carried and, for a redirect, where it sent the client. Returns the
   * earlier anonymous 401s of this client on this route that this call's credential explains: it
   * came by another path (`path`, the layers in front: NGINX bypassed), so the credential the
   * client sends was lost on the 401's path. A later call through the same layers that carries it
   * shows those layers pass it: the 401 stays anonymous (a client that logged in after it).
   */
  observe (exchange: Exchange, path = ''): PendingAnonymous[] {
    const arrived = exchange.arrived
    const redirect = REDIRECTS.has(exchange.response.status) && exchange.response.location !== null
    if (arrived.length === 0 && !redirect) return NONE
    const client = this.client(clientKey(exchange))
    const explained = arrived.length > 0 && client.anonymous.length > 0 ? this.explained(client, exchange, path) : NONE
    if (arrived.length > 0) {
      let sent = client.routes.get(exchange.route)
      if (sent === undefined) {
        if (client.routes.size >= MAX_ROUTES_PER_CLIENT) client.routes.delete(client.routes.keys().next().value as string)
        sent = new Set()
        client.routes.set(exchange.route, sent)
      }
      let received = this.routeHeaders.get(exchange.route)
      if (received === undefined) {
        if (this.routeHeaders.size >= MAX_ROUTES) this.routeHeaders.delete(this.routeHeaders.keys().next().value as string)
        received = new Set()
        this.routeHeaders.set(exchange.route, received)
      }
      for (let i = 0; i < arrived.length; i++) {
        const key = (arrived[i] as (typeof arrived)[number]).key
        if (sent.size < MAX_HEADERS) sent.add(key)
        if (received.size < MAX_HEADERS) received.add(key)
        if (this.names.size < MAX_NAMES) this.names.add(key)
      }
    }
    if (redirect) {
      client.redirects.push({
        exchangeId: exchange.id,
        atMs: exchange.startedAt,
        status: exchange.response.status,
        route: exchange.route,
        location: exchange.response.location as string,
        carried: arrived.map((h) => h.key)
      })
      if (client.redirects.length > MAX_REDIRECTS) client.redirects.shift()
    }
    return explained
  }

  private explained (client: Client, exchange: Exchange, path: string): PendingAnonymous[] {
    const out: PendingAnonymous[] = []
    client.anonymous = client.anonymous.filter((p) => {
      const age = exchange.startedAt - p.atMs
      if (age > ANONYMOUS_LINK_MS) return false
      if (p.route !== exchange.route || age < 0) return true
      if (p.header !== null && !exchange.arrived.some((h) => h.key === p.header)) return true
      // Through the same layers with the credential: they pass it, the 401 was anonymous.
      if (p.path === path) return false
      out.push(p)
      return false
    })
    return out
  }

  /** Credential headers this client sent to `route` on other calls. */
  sentTo (exchange: Exchange, route: string = exchange.route): ReadonlySet<string> {
    return this.clients.get(clientKey(exchange))?.routes.get(route) ?? EMPTY
  }

  /** Every credential header this client sent anywhere, with the routes it sent them to. */
  sentAnywhere (exchange: Exchange): Map<string, string[]> {
    const out = new Map<string, string[]>()
    const client = this.clients.get(clientKey(exchange))
    if (client === undefined || client.routes.size === 0) return out
    for (const [route, keys] of client.routes) {
      for (const key of keys) {
        const list = out.get(key) ?? []
        list.push(route)
        out.set(key, list)
      }
    }
    return out
  }

  /** Credential headers the route receives (from any client). */
  receivedBy (route: string): ReadonlySet<string> {
    return this.routeHeaders.get(route) ?? EMPTY
  }

  /** Every credential header name seen so far, lower case. */
  namesSeen (): ReadonlySet<string> {
    return this.names
  }

  /** The newest redirect of this client, within REDIRECT_LINK_MS, whose Location `points` at this exchange. */
  redirectTo (exchange: Exchange, points: (redirect: RedirectSeen) => boolean): RedirectSeen | null {
    const client = this.clients.get(clientKey(exchange))
    if (client === undefined) return null
    for (let i = client.redirects.length - 1; i >= 0; i--) {
      const r = client.redirects[i] as RedirectSeen
      const age = exchange.startedAt - r.atMs
      if (age < 0 || age > REDIRECT_LINK_MS || r.exchangeId === exchange.id) continue
      if (points(r)) return r
    }
    return null
  }

  private client (key: string): Client {
    let client = this.clients.get(key)
    if (client === undefined) {
      client = { routes: new Map(), redirects: [], anonymous: [], touched: ++this.touches }
      this.clients.set(key, client)
      if (this.clients.size > this.maxClients) {
        const oldest = leastTouched(this.clients, (c) => c.touched)
        if (oldest !== undefined) this.clients.delete(oldest)
      }
    }
    else client.touched = ++this.touches
    return client
  }
}

const EMPTY: ReadonlySet<string> = new Set()
const NONE: PendingAnonymous[] = []
