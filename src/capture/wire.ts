// How a request arrived: HTTP/1.1 or HTTP/2, over TLS or not, and whether its HTTP/2 stream was
// reset. Read from Node's request object by the transport (src/proxy) when the request arrives
// and by the audit after the response, so it lives here, beside what capture notes.
import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest } from 'node:http2'

import type { WireProtocol } from './types.js'

export type InboundRequest = IncomingMessage | Http2ServerRequest

export function isHttp2 (raw: InboundRequest): raw is Http2ServerRequest {
  return raw.httpVersionMajor === 2
}

/** Whether the connection the request came on is TLS. */
export function arrivedOverTls (raw: InboundRequest): boolean {
  return (raw.socket as { encrypted?: boolean } | null)?.encrypted === true
}

export function inboundProtocol (raw: InboundRequest): WireProtocol {
  if (!isHttp2(raw)) return 'http/1.1'
  return arrivedOverTls(raw) ? 'h2' : 'h2c'
}

/** An HTTP/2 stream that ended with RST_STREAM (not NO_ERROR): its exchange did not complete. */
export function wasReset (raw: InboundRequest): boolean {
  if (!isHttp2(raw)) return false
  const code = raw.stream.rstCode
  return code !== undefined && code !== 0
}

