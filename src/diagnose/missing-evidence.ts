// For a 401 where the credential did not arrive: which header it was (named even without a
// challenge), and how sure hopwatch can be that the client sent it (the evidence ladder of
// src/diagnose/evidence.ts). Names only, never values.
import type { Exchange } from '../capture/types.js'
import type { ClientMemory } from './client-memory.js'
import type { Confidence } from '../rules/meta.js'
import { displayName } from './rule.js'
import { RENAMES } from './rules/credential-renamed.js'

export interface NamedHeader {
  /** Lower-case name, null when nothing names it. */
  key: string | null
  /** Where the name came from, for the evidence. */
  from: string
  /** The other spelling (`x_api_key` for `x-api-key`) when it was seen on any call. */
  variantSeen: string | null
}

export interface ClientSign {
  /** null: no sign this client ever sends a credential (an anonymous 401). */
  confidence: Confidence | null
  evidence: string
}

function variantOf (key: string): string {
  return key.includes('_') ? key.replaceAll('_', '-') : key.replaceAll('-', '_')
}

function pick (set: ReadonlySet<string>): string | null {
  let cookie: string | null = null
  for (const key of set) {
    if (key !== 'cookie') return key
    cookie = key
  }
  return cookie
}

/** The header the 401 is about: challenge, then what the route usually receives, then --credential-header. */
export function nameHeader (exchange: Exchange, clients: ClientMemory, challenged: string | null, configured: readonly string[]): NamedHeader {
  const seen = clients.namesSeen()
  const named = (key: string, from: string): NamedHeader => {
    const variant = variantOf(key)
    return { key, from, variantSeen: variant !== key && seen.has(variant) ? variant : null }
  }
  if (challenged !== null) return named(challenged, 'the WWW-Authenticate challenge')
  const bySameClient = pick(clients.sentTo(exchange))
  if (bySameClient !== null) return named(bySameClient, 'what this client sends this route on other calls')
  const byRoute = pick(clients.receivedBy(exchange.route))
  if (byRoute !== null) return named(byRoute, `what ${exchange.route} receives on other calls`)
  const flagged = configured[0]
  if (flagged !== undefined) return named(flagged, '--credential-header')
  return { key: null, from: 'nothing names it (no challenge, no other call to this route carried a credential)', variantSeen: null }
}

/** How sure hopwatch is that this client sends a credential: the rungs of the ladder. */
export function clientSign (exchange: Exchange, clients: ClientMemory, header: string | null): ClientSign {
  // A layer's known signature: the credential moved to another header (X-Original-Authorization...).
  for (const rename of RENAMES) {
    if ((header === null || header === rename.to) && exchange.headerNames.some((n) => n.toLowerCase() === rename.from)) {
      return { confidence: 'likely', evidence: `${rename.display} arrived: a layer in front moved the client's ${displayName(rename.to)} there` }
    }
  }
  const here = clients.sentTo(exchange)
  if (header !== null && here.has(header)) {
    return { confidence: 'likely', evidence: `the same client (same forwarded address and User-Agent) sent ${displayName(header)} to ${exchange.route} on other calls` }
  }
  if (header === null && here.size > 0) {
    return { confidence: 'likely', evidence: `the same client sent ${[...here].map(displayName).join(', ')} to ${exchange.route} on other calls` }
  }
  if (exchange.arrived.length > 0) {
    return { confidence: 'possible', evidence: `this call carried other credential headers (${exchange.arrived.map((h) => h.name).join(', ')}): the client sends credentials` }
  }
  const elsewhere = clients.sentAnywhere(exchange)
  const same = header === null ? undefined : elsewhere.get(header)
  if (same !== undefined) {
    return { confidence: 'possible', evidence: `the same client sent ${displayName(header as string)} to ${same.slice(0, 3).join(', ')}, not on any call to this route` }
  }
  if (elsewhere.size > 0) {
    return { confidence: 'possible', evidence: `the same client sent ${[...elsewhere.keys()].map(displayName).join(', ')} to other routes` }
  }
  return { confidence: null, evidence: 'no sign this client ever sends a credential: no call from it (same forwarded address and User-Agent) carried one' }
}
