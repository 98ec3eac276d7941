// Least-recently-used eviction for small capped maps: each entry carries a running touch count,
// and the one with the lowest count goes. A scan of the map, run only when a new entry overflows
// its cap, instead of re-inserting every touched entry to keep Map order.

/** The key whose touch count is lowest, or undefined for an empty map. */
export function leastTouched<K, V> (map: ReadonlyMap<K, V>, touchOf: (value: V) => number): K | undefined {
  let oldest: K | undefined
  let lowest = Infinity
  for (const [key, value] of map) {
    const at = touchOf(value)
    if (at < lowest) { lowest = at; oldest = key }
  }
  return oldest
}
