// A kept exchange of a known shape holds its credential stages as its fingerprints only, in
// order; its shape's stages give the rest (names, line counts). Kept objects outlive two
// young-generation collections at a few thousand exchanges a second, so each one kept is
// promoted and later swept: an array per exchange instead of an array, a SeenHeader and a
// values array per credential header took the peak RSS of a 30 s run of the bench's cardinality
// mix (20,000 users) from about 200 MiB down to 142 MiB.
import type { Fingerprint, SeenHeader } from '../capture/types.js'

/** The fingerprints of `stage` in order, or null when `stage` is not laid out as `base` is. */
export function flatValues (stage: readonly SeenHeader[], base: readonly SeenHeader[]): Fingerprint[] | null {
  if (stage.length !== base.length) return null
  let count = 0
  for (let i = 0; i < stage.length; i++) {
    const a = stage[i] as SeenHeader
    const b = base[i] as SeenHeader
    if (a.key !== b.key || a.name !== b.name || a.lines !== b.lines || a.validName !== b.validName || a.values.length !== b.values.length) return null
    count += a.values.length
  }
  const out = new Array<Fingerprint>(count)
  let k = 0
  for (const h of stage) for (const v of h.values) out[k++] = v
  return out
}

/** The stage laid out as `base`, holding `values` (made by flatValues against the same layout). */
export function unflatten (base: readonly SeenHeader[], values: readonly Fingerprint[]): SeenHeader[] {
  let k = 0
  return base.map((h) => {
    const own = values.slice(k, k + h.values.length)
    k += h.values.length
    return { key: h.key, name: h.name, lines: h.lines, validName: h.validName, values: own }
  })
}

/** True when both hold the very same fingerprints in the same order. */
export function sameValues (a: readonly Fingerprint[], b: readonly Fingerprint[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
