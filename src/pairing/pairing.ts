// Edge + origin taps: the edge stamps each request with a signed correlation id, the origin
// reads (and the sidecar removes) it, and after both responses the two observations are paired
// and every credential gets a definitive verdict across the layers between the taps.
// If a layer drops the stamp, that is counted, and pairing falls back to method + path only
// when exactly one waiting observation matches (confidence `likely`); otherwise none is made.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Confidence } from '../rules/meta.js'
import type { Finding } from '../diagnose/types.js'
import type { Observation } from './observation.js'
import { compareSides, type PairedHeader } from './pair-verdict.js'
import { betweenFindings, layersBetween } from './pair-findings.js'
import { compareResponses, type ResponseChange } from './pair-response.js'

export const PAIR_HEADER = 'X-Hopwatch-Pair'
export const PAIR_KEY = PAIR_HEADER.toLowerCase()
export const PAIR_RULE = 'credential-changed-between-taps'
export const DEFAULT_PAIR_TTL_MS = 30_000
export const DEFAULT_MAX_PENDING = 10_000
const MAX_HEADER_KEYS = 200
const STAMP_RE = /^([0-9a-f]{16})\.([0-9a-f]{24})$/

export interface PairingOptions {
  /** Key of the stamp MAC; random per process by default (both taps run in one process). */
  secret?: string
  ttlMs?: number
  maxPending?: number
  now?: () => number
}

export type StampStatus = 'valid' | 'missing' | 'forged'

export interface PairResult {
  confidence: Extract<Confidence, 'certain' | 'likely'>
  method: string
  path: string
  headers: PairedHeader[]
  /** Response headers the layers between the taps removed, changed or added. */
  responses: ResponseChange[]
  findings: Finding[]
}

export type HeaderCounts = Record<'intact' | 'dropped' | 'modified' | 'renamed' | 'added', number>

export interface PairingCounts {
  pairedCertain: number
  pairedLikely: number
  /** Requests that reached the origin without a stamp: a layer drops unknown headers. */
  stampMissing: number
  stampForged: number
  /** Observations that waited longer than the TTL or were pushed out by the bound. */
  unpaired: number
  perHeader: Record<string, HeaderCounts>
}

export interface Pairing {
  /** Edge hot path: a fresh signed stamp; the sidecar sets `name: value` on the forwarded request. */
  stamp: () => { name: string, value: string, id: string }
  /** Origin hot path: the stamp in these raw headers; the sidecar removes PAIR_HEADER before the app. */
  read: (rawHeaders: string[]) => { id: string | null, status: StampStatus }
  /** After a response: record one side; returns the pair when this completes one. Never throws. */
  observe: (side: 'edge' | 'origin', id: string | null, observation: Observation) => PairResult | null
  counts: () => PairingCounts
}

interface Waiting { obs: Observation, at: number, id: string | null }

export function createPairing (options: PairingOptions = {}): Pairing {
  const key = options.secret ?? randomBytes(32).toString('hex')
  const ttlMs = options.ttlMs ?? DEFAULT_PAIR_TTL_MS
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING
  const now = options.now ?? Date.now
  const mac = (id: string): string => createHmac('sha256', key).update(`pair|${id}`).digest('hex').slice(0, 24)
  const pending = { edge: new Map<string, Waiting>(), origin: new Map<string, Waiting>() }
  let anonymous: Waiting[] = []
  const counts: PairingCounts = { pairedCertain: 0, pairedLikely: 0, stampMissing: 0, stampForged: 0, unpaired: 0, perHeader: {} }

  const expire = (at: number): void => {
    for (const map of [pending.edge, pending.origin]) {
      for (const [id, w] of map) {
        if (at - w.at <= ttlMs && map.size <= maxPending) break
        map.delete(id)
        counts.unpaired++
      }
    }
    const before = anonymous.length
    anonymous = anonymous.filter((w) => at - w.at <= ttlMs).slice(-maxPending)
    counts.unpaired += before - anonymous.length
  }

  const pair = (edge: Observation, origin: Observation, confidence: PairResult['confidence']): PairResult => {
    const headers = compareSides(edge.arrived, origin.arrived)
    if (confidence === 'certain') counts.pairedCertain++
    else counts.pairedLikely++
    for (const h of headers) {
      const k = h.name.toLowerCase()
      let c = counts.perHeader[k]
      if (c === undefined) {
        if (Object.keys(counts.perHeader).length >= MAX_HEADER_KEYS) continue
        c = { intact: 0, dropped: 0, modified: 0, renamed: 0, added: 0 }
        counts.perHeader[k] = c
      }
      c[h.verdict]++
    }
    const responses = edge.response !== undefined && origin.response !== undefined ? compareResponses(origin.response, edge.response) : []
    const between = layersBetween(edge.layers, origin.layers)
    return { confidence, method: edge.method, path: edge.path, headers, responses, findings: betweenFindings({ edge, origin, headers, responses, between, confidence }) }
  }

  const sameRoute = (a: Observation, b: Observation): boolean => a.method === b.method && a.path === b.path

  return {
    stamp () {
      const id = randomBytes(8).toString('hex')
      return { name: PAIR_HEADER, value: `${id}.${mac(id)}`, id }
    },

    read (rawHeaders) {
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        if ((rawHeaders[i] as string).toLowerCase() !== PAIR_KEY) continue
        const m = STAMP_RE.exec(rawHeaders[i + 1] as string)
        const id = m?.[1]
        const given = m?.[2]
        if (id !== undefined && given !== undefined && timingSafeEqual(Buffer.from(mac(id)), Buffer.from(given))) {
          return { id, status: 'valid' }
        }
        counts.stampForged++
        return { id: null, status: 'forged' }
      }
      counts.stampMissing++
      return { id: null, status: 'missing' }
    },

    observe (side, id, obs) {
      try {
        const at = now()
        expire(at)
        const other = side === 'edge' ? pending.origin : pending.edge
        if (id !== null) {
          const match = other.get(id)
          if (match !== undefined) {
            other.delete(id)
            return side === 'edge' ? pair(obs, match.obs, 'certain') : pair(match.obs, obs, 'certain')
          }
        }
        // Fallback without a stamp: only a unique waiting observation on the same route.
        if (side === 'origin' && id === null) {
          const candidates = [...pending.edge.values()].filter((w) => sameRoute(w.obs, obs))
          const only = candidates.length === 1 ? candidates[0] : undefined
          if (only !== undefined && only.id !== null) {
            pending.edge.delete(only.id)
            return pair(only.obs, obs, 'likely')
          }
          anonymous.push({ obs, at, id: null })
          return null
        }
        if (side === 'edge' && id !== null) {
          const candidates = anonymous.filter((w) => sameRoute(w.obs, obs))
          const only = candidates.length === 1 ? candidates[0] : undefined
          if (only !== undefined) {
            anonymous = anonymous.filter((w) => w !== only)
            return pair(obs, only.obs, 'likely')
          }
        }
        if (id !== null) (side === 'edge' ? pending.edge : pending.origin).set(id, { obs, at, id })
        return null
      } catch {
        return null
      }
    },

    counts: () => structuredClone(counts)
  }
}
