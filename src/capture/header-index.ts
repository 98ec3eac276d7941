// A request's raw headers, scanned once for the audit: each name folded to lower case, in order.
// The shape key, the context slots, the context values and the Connection header read it instead
// of lower-casing the names each on its own.

export interface HeaderIndex {
  /** The lower-case name of each raw header line, in order (`lower[i]` names `rawHeaders[2 * i]`). */
  readonly lower: readonly string[]
}

export function indexHeaders (rawHeaders: readonly string[]): HeaderIndex {
  const lower: string[] = new Array<string>(rawHeaders.length >> 1)
  for (let i = 0; i < rawHeaders.length; i += 2) lower[i >> 1] = (rawHeaders[i] as string).toLowerCase()
  return { lower }
}
