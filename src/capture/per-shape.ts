// Exchanges of one shape share their parts, frozen (src/audit/shape.ts): a frozen part
// stands for its shape, so what is computed from it can be remembered by it. A part that is not
// frozen belongs to one exchange only and is computed every time.

/** `compute(part, arg)`, remembered in `cache` when `part` is frozen. */
export function perShape<K extends object, A, T> (cache: WeakMap<K, T>, part: K, arg: A, compute: (part: K, arg: A) => T): T {
  const known = cache.get(part)
  if (known !== undefined) return known
  const value = compute(part, arg)
  if (Object.isFrozen(part)) cache.set(part, value)
  return value
}
