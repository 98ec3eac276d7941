// Admission on the second sighting, for a cache keyed by keyed hashes (hex). A bit per slot of
// the hash: the first time a hash comes it is marked and turned away; if it comes again before
// the marks are wiped, it is let in. The marks are wiped after `window` of them, so at most one
// slot in eight is marked and a newcomer is let in early at most one time in eight.
//
// Why: with 20,000 users drawn at random, nearly every fingerprint put in the cache was evicted
// before its user came back, and the cache was the biggest part of hopwatch's old generation
// (a heap snapshot of the bench's cardinality mix). Each of those entries was promoted, then
// swept and compacted by a major collection. A token that comes back is kept as before.
//
// The window says how far apart (in other values' first sightings) two sightings of a value may
// be for it to be let in: as far as its cache can keep a value until it comes back. A longer
// window only admits values the cache drops before their next use; a shorter one admits no
// one. With 20,000 users drawn at random, a user's next request comes after tens of thousands
// of others: a window of 16,384 marks wiped every user's mark before they came back.

/**
 * At least 2^17 slots (16 KiB), and eight per mark of the window, up to 2^20 (128 KiB: the slot
 * is read from 5 hex digits), so a window of up to 131,072 marks fills one slot in eight at most.
 */
const MIN_SLOT_BITS = 17
/** The slot is read from this many hex digits of the hash: 4 bits each, so at most 2^20 slots. */
const SLOT_HEX_DIGITS = 5
const MAX_SLOT_BITS = SLOT_HEX_DIGITS * 4

export class Doorkeeper {
  private readonly slotBits: number
  private readonly marks: Uint32Array
  private marked = 0

  constructor (private readonly window = 1 << 17) {
    this.slotBits = Math.min(MAX_SLOT_BITS, Math.max(MIN_SLOT_BITS, Math.ceil(Math.log2(Math.max(1, window))) + 3))
    this.marks = new Uint32Array((1 << this.slotBits) >>> 5)
  }

  /** True when `hexHash` was seen since the last wipe; otherwise marks it and says false. */
  seenBefore (hexHash: string): boolean {
    // The first hex digits, cut to the slot bits: a keyed hash is uniform.
    let slot = 0
    for (let i = 0; i < SLOT_HEX_DIGITS; i++) {
      const c = hexHash.charCodeAt(i) | 32
      slot = (slot << 4) | (c <= 57 ? c - 48 : c - 87)
    }
    slot &= (1 << this.slotBits) - 1
    const word = slot >>> 5
    const bit = 1 << (slot & 31)
    const marks = this.marks[word] as number
    if ((marks & bit) !== 0) return true
    this.marks[word] = marks | bit
    if (++this.marked >= this.window) {
      this.marks.fill(0)
      this.marked = 0
    }
    return false
  }
}
