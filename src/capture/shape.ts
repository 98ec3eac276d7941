// An exchange's shape: what it shares with every exchange of the same shape key
// (src/audit/shape-memo.ts makes the key and the exchanges). The Shape owns its key, its parts
// (its first exchange, whose shared parts are frozen) and its memo slots. Store, metrics, the log
// line and the rules keep what they derive from a shape's parts in its slots: they ask the
// exchange's shape, and no module keeps a map of its own keyed by a shared part.
import type { Exchange, ExchangeShape, SeenHeader, ShapeSlot } from './types.js'

export type { ShapeSlot }

/** A new memo slot, one per kind of value (and per owner, when the value belongs to one store or registry). */
export function shapeSlot<T> (name: string): ShapeSlot<T> {
  return Object.freeze({ name })
}

export class Shape implements ExchangeShape {
  /** Filled on the first ask: most shapes are asked by a few slots. */
  private memo: Map<ShapeSlot<unknown>, unknown> | null = null

  constructor (readonly key: string | null, readonly parts: Exchange) {}

  remembered<A, T> (slot: ShapeSlot<T>, arg: A, compute: (arg: A) => T): T {
    if (this.key === null) return compute(arg)
    const memo = this.memo ??= new Map()
    const known = memo.get(slot)
    if (known !== undefined || memo.has(slot)) return known as T
    const value = compute(arg)
    memo.set(slot, value)
    return value
  }

  /** An exchange's JSON (admin API, reports) leaves its shape out. */
  toJSON (): undefined {
    return undefined
  }
}

/** `compute(arg)`, remembered in `slot` of the exchange's shape (every time for an exchange without one). */
export function perShape<A, T> (exchange: Exchange, slot: ShapeSlot<T>, arg: A, compute: (arg: A) => T): T {
  const shape = exchange.shape
  return shape === undefined ? compute(arg) : shape.remembered(slot, arg, compute)
}

/** What carries arrived credentials and the shape they came with: an exchange, or a sample of one. */
export interface ArrivedOfShape { readonly arrived: readonly SeenHeader[]; readonly shape?: ExchangeShape | undefined }

/**
 * `compute(arrived)` for an exchange's arrived credentials: remembered in `slot` of its shape
 * when they are the shape's own (the same fingerprints as its first exchange: the same users),
 * computed every time for other users' fingerprints.
 */
export function perArrived<T> (of: ArrivedOfShape, slot: ShapeSlot<T>, compute: (arrived: readonly SeenHeader[]) => T): T {
  const shape = of.shape
  const arrived = of.arrived
  return shape !== undefined && arrived === shape.parts.arrived ? shape.remembered(slot, arrived, compute) : compute(arrived)
}
