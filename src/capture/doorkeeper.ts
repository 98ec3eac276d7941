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
// The window must outlast the time a user takes to come back, counted in other users' values:
// with 20,000 users drawn at random, each with a token, a session cookie and an API key, a
// user's next request comes after tens of thousands of first sightings. A window of 16,384
// marks (2^17 slots) wiped them before nearly every user came back, so the cache kept almost
// no one's fingerprint; 2^20 slots (128 KiB) and a window of 131,072 marks keep them.

const SLOT_BITS = 20

export class Doorkeeper {
  private readonly marks = new Uint32Array((1 << SLOT_BITS) >>> 5)
  private marked = 0

  constructor (private readonly window = 1 << (SLOT_BITS - 3)) {}

  /** True when `hexHash` was seen since the last wipe; otherwise marks it and says false. */
  seenBefore (hexHash: string): boolean {
    // The first 5 hex digits (20 bits), cut to SLOT_BITS: a keyed hash is uniform.
    let slot = 0
    for (let i = 0; i < 5; i++) {
      const c = hexHash.charCodeAt(i) | 32
      slot = (slot << 4) | (c <= 57 ? c - 48 : c - 87)
    }
    slot &= (1 << SLOT_BITS) - 1
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
