// A read-only view of one Exchange for layer recognition and rules: header names folded to
// lower case once, context looked up by lower-case name. Built once per observe() call.
import type { Exchange } from '../capture/types.js'

const NONE: readonly string[] = []

/**
 * The only request headers whose values layer recognition and the rules may read. Everything
 * else is seen by name only. The sidecar reuses a diagnosis for exchanges of the same shape, and
 * these values are part of that shape (src/audit/shape-memo.ts); a rule that needs another
 * header's value must add it here.
 */
export const VALUE_HEADERS: ReadonlySet<string> = new Set([
  'via', 'cdn-loop', 'connection', 'forwarded', 'host', 'x-forwarded-host', 'x-forwarded-proto',
  'x-forwarded-port', 'cf-visitor'
])

export interface ExchangeView {
  /** Lower-case names of every request header that arrived. */
  readonly names: ReadonlySet<string>
  /** Raw names as they arrived (casing kept). */
  readonly rawNames: readonly string[]
  /** True when a request header of this lower-case name arrived. */
  has: (name: string) => boolean
  /** True when any arrived header name starts with this lower-case prefix. */
  hasPrefix: (prefix: string) => boolean
  /** Context values of a lower-case header name in VALUE_HEADERS (empty when absent or not listed). */
  values: (name: string) => readonly string[]
}

export function viewOf (exchange: Exchange): ExchangeView {
  const names = new Set<string>()
  for (const raw of exchange.headerNames) names.add(raw.toLowerCase())
  const context = exchange.context
  return {
    names,
    rawNames: exchange.headerNames,
    has: (name) => names.has(name),
    hasPrefix: (prefix) => {
      for (const name of names) if (name.startsWith(prefix)) return true
      return false
    },
    values: (name) => {
      if (!VALUE_HEADERS.has(name)) return NONE
      const list = Object.prototype.hasOwnProperty.call(context, name) ? context[name] : undefined
      return list ?? NONE
    }
  }
}
