// Bytes generated on the fly for the big transfers (never on disk): one 64 KiB block of
// deterministic pseudo-random bytes, repeated; both ends hash what they send or receive.
import { Readable } from 'node:stream'

export const BLOCK_BYTES = 64 * 1024

function makeBlock (): Buffer {
  const block = Buffer.allocUnsafe(BLOCK_BYTES)
  let x = 0x2545f491
  for (let i = 0; i < BLOCK_BYTES; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    block[i] = x & 0xff
  }
  return block
}

export const BLOCK = makeBlock()

/** A readable stream of `total` pattern bytes; `onChunk` sees each chunk (for hashing). */
export function patternStream (total: number, onChunk?: (chunk: Buffer) => void): Readable {
  let left = total
  return new Readable({
    highWaterMark: BLOCK_BYTES * 4,
    read () {
      // Push until the stream says stop or all bytes are out; bounded by the byte count.
      for (;;) {
        if (left <= 0) { this.push(null); return }
        const chunk = left >= BLOCK_BYTES ? BLOCK : BLOCK.subarray(0, left)
        left -= chunk.length
        onChunk?.(chunk)
        if (!this.push(chunk)) return
      }
    }
  })
}
