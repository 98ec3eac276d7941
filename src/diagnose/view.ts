// A read-only view of one Exchange for layer recognition and rules: header names folded to
// lower case once, context looked up by lower-case name. Built once per observe() call.
import type { Exchange } from '../capture/types.js'

const NONE: readonly string[] = []

export interface ExchangeView {
  /** Lower-case names of every request header that arrived. */
  readonly names: ReadonlySet<string>
  /** Raw names as they arrived (casing kept). */
  readonly rawNames: readonly string[]
  /** True when a request header of this lower-case name arrived. */
  has: (name: string) => boolean
  /** True when any arrived header name starts with this lower-case prefix. */
  hasPrefix: (prefix: string) => boolean
  /** Non-secret context values of a lower-case header name (empty when absent). */
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
      const list = Object.prototype.hasOwnProperty.call(context, name) ? context[name] : undefined
      return list ?? NONE
    }
  }
}
