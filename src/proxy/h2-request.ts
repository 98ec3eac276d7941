// An inbound HTTP/2 request as the HTTP/1.1 request the upstream gets (RFC 9113 8.3): the
// pseudo-header `:authority` becomes Host, the other pseudo-headers become the request line
// (Node gives them as `method` and `url`), cookie fields split by the client are joined again
// with `; ` (RFC 9113 8.2.3). Node's HTTP/2 server already refuses the connection-specific
// headers HTTP/2 forbids (Connection, Keep-Alive, Transfer-Encoding, Upgrade...), so what is left
// goes to upstreamLines() (forward.ts) like any HTTP/1.1 request's lines.
import type { Http2ServerRequest } from 'node:http2'

export { arrivedOverTls, inboundProtocol, isHttp2, wasReset } from '../capture/wire.js'

/**
 * The header lines of an HTTP/2 request as HTTP/1.1 lines: Host (from `:authority`) first, the
 * rest in the client's order less the pseudo-headers, one Cookie line. A Host field sent beside
 * `:authority` is left out (the upstream gets one Host, the authority, as nginx sends it).
 */
export function http1Lines (raw: string[]): string[] {
  let authority: string | null = null
  let host: string | null = null
  let cookie: string | null = null
  let cookieAt = -1
  const rest: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    const value = raw[i + 1] as string
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority') authority = value
      continue
    }
    const key = name.toLowerCase()
    if (key === 'host') { host ??= value; continue }
    if (key === 'cookie') {
      if (cookie === null) { cookie = value; cookieAt = rest.length + 1; rest.push(name, value) } else cookie += `; ${value}`
      continue
    }
    rest.push(name, value)
  }
  if (cookie !== null) rest[cookieAt] = cookie
  const hostValue = authority ?? host
  return hostValue === null ? rest : ['host', hostValue, ...rest]
}

/** An HTTP/2 request has a body unless its HEADERS frame ended the stream. */
export function http2HasBody (raw: Http2ServerRequest): boolean {
  return !raw.stream.endAfterHeaders
}
