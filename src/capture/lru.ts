// A cache that forgets the least recently used entries first, bounded in entries and in a weight
// its user gives each entry (characters held, roughly bytes). A cache that starts afresh when
// full throws away every warm entry at once, and what it held has already been promoted to the
// old generation: under many distinct keys it churns both.
//
// Two generations (an approximation of LRU that costs one Map.get per hit): entries go into the
// young one; when it holds half the bound, the old one is dropped and the young one becomes
// old. A hit in the old generation moves the entry to the young one, so what is used survives.

export class Lru<K, V> {
  private young = new Map<K, V>()
  private old = new Map<K, V>()
  private youngWeight = 0

  /**
   * `maxEntries` and `maxWeight` bound both generations together; `weigh` gives an entry's
   * weight from its value (default 1), so none is kept per key.
   */
  constructor (private readonly maxEntries: number, private readonly maxWeight: number = Number.POSITIVE_INFINITY, private readonly weigh?: (value: V) => number) {}

  get size (): number { return this.young.size + this.old.size }

  /** The value of `key`, kept among the recently used; undefined when not held. */
  get (key: K): V | undefined {
    const value = this.young.get(key)
    if (value !== undefined) return value
    const aged = this.old.get(key)
    if (aged === undefined) return undefined
    this.old.delete(key)
    this.put(key, aged, this.weigh === undefined ? 1 : this.weigh(aged))
    return aged
  }

  /** Hold `value` under `key`; the least recently used generation goes when the young one is full. */
  set (key: K, value: V): void {
    const weight = this.weigh === undefined ? 1 : this.weigh(value)
    if (weight > this.maxWeight / 2) return
    this.old.delete(key)
    this.put(key, value, weight)
  }

  clear (): void {
    this.young.clear()
    this.old.clear()
    this.youngWeight = 0
  }

  private put (key: K, value: V, weight: number): void {
    if (this.young.size >= this.maxEntries / 2 || this.youngWeight + weight > this.maxWeight / 2) {
      this.old = this.young
      this.young = new Map()
      this.youngWeight = 0
    }
    this.young.set(key, value)
    this.youngWeight += weight
  }
}
