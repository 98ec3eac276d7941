// Bounded per-route memory for working-vs-failing: the credential profile of the last working
// (2xx) and the last failing (401) exchange of each route. At most MAX_ROUTES routes are kept;
// the least recently updated route is forgotten first.
import type { Exchange, ExchangeShape, SeenHeader } from '../capture/types.js'
import { KNOWN_SCHEMES } from '../capture/credential-names.js'
import { perArrived, shapeSlot } from '../capture/shape.js'
import { leastTouched } from './least-touched.js'

export const DEFAULT_MAX_ROUTES = 1_000
const MAX_ITEMS = 16

/** What a call carried, by name only: header keys, `header:scheme` pairs and JWT issuers/audiences. */
export interface CredentialProfile {
  exchangeId: string
  headers: string[]
  schemes: string[]
  issuers: string[]
  audiences: string[]
}

/** What is remembered of a call: its id and its (already fingerprinted) credential headers. */
export interface CallSample {
  exchangeId: string
  arrived: readonly SeenHeader[]
  /** The exchange's shape, which remembers the profile of its own users' credentials. */
  shape?: ExchangeShape | undefined
}

export interface RouteRecord {
  working: CallSample | null
  failing: CallSample | null
}

function push (list: string[], item: string): void {
  if (list.length < MAX_ITEMS && !list.includes(item)) list.push(item)
}

export function sampleOf (exchange: Exchange): CallSample {
  return { exchangeId: exchange.id, arrived: exchange.arrived, shape: exchange.shape }
}

type Lists = Omit<CredentialProfile, 'exchangeId'>

/** Exchanges of one shape that carry its first exchange's credentials share their lists. */
const LISTS = shapeSlot<Lists>('working-vs-failing: profile lists')

function listsOf (arrived: readonly SeenHeader[]): Lists {
  const lists: Lists = { headers: [], schemes: [], issuers: [], audiences: [] }
  for (const seen of arrived) {
    push(lists.headers, seen.key)
    for (const fp of seen.values) {
      if (fp.scheme !== null) {
        const lower = fp.scheme.toLowerCase()
        push(lists.schemes, `${seen.key}:${KNOWN_SCHEMES.has(lower) ? lower : 'other'}`)
      }
      if (fp.jwt?.iss != null) push(lists.issuers, fp.jwt.iss)
      if (fp.jwt !== undefined) for (const aud of fp.jwt.aud) push(lists.audiences, aud)
    }
  }
  lists.headers.sort()
  lists.schemes.sort()
  lists.issuers.sort()
  lists.audiences.sort()
  return lists
}

/** Computed only when a failing call meets a working one, not on every exchange. */
export function profileOf (sample: CallSample): CredentialProfile {
  const lists = perArrived(sample, LISTS, listsOf)
  return { exchangeId: sample.exchangeId, headers: lists.headers, schemes: lists.schemes, issuers: lists.issuers, audiences: lists.audiences }
}

export class RouteMemory {
  private readonly routes = new Map<string, RouteRecord>()
  /** When each route was last updated (a running count): the lowest is forgotten first. */
  private readonly touched = new Map<string, number>()
  private touches = 0
  private readonly max: number
  evicted = 0

  constructor (maxRoutes: number = DEFAULT_MAX_ROUTES) {
    this.max = Math.max(1, maxRoutes)
  }

  get size (): number { return this.routes.size }

  get (route: string): RouteRecord | undefined {
    return this.routes.get(route)
  }

  remember (route: string, kind: 'working' | 'failing', sample: CallSample): RouteRecord {
    let record = this.routes.get(route)
    if (record === undefined) {
      record = { working: null, failing: null }
      this.routes.set(route, record)
    }
    record[kind] = sample
    this.touched.set(route, ++this.touches)
    if (this.routes.size > this.max) this.forgetOldest()
    return record
  }

  private forgetOldest (): void {
    const oldest = leastTouched(this.touched, (at) => at)
    if (oldest === undefined) return
    this.routes.delete(oldest)
    this.touched.delete(oldest)
    this.evicted++
  }
}
