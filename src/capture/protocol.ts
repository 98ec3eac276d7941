// The protocol an exchange arrived in, as the report and findings name it.
import type { WireProtocol } from './types.js'

/**
 * `http/1.1`, `http/1.1+tls`, `h2` (HTTP/2 over TLS, ALPN h2) or `h2c` (cleartext HTTP/2):
 * one word per way a client can reach the traffic listener.
 */
export function wireLabel (exchange: { protocol: WireProtocol; tls: boolean }): string {
  return exchange.protocol === 'http/1.1' && exchange.tls ? 'http/1.1+tls' : exchange.protocol
}
