// V8 keeps a whole string alive behind any slice of it longer than a few characters: the first
// 128 characters of a 64 KiB header name, kept in a stored exchange, keep all 64 KiB. Text that
// outlives its request is copied out of a longer string with this.

/** A copy of `text` that holds no reference to the string it was sliced from. */
export function detached (text: string): string {
  // Flattening the cons string copies the characters; the slice then points into that copy.
  return (` ${text}`).slice(1)
}
