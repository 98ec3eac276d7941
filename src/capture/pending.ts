// What the traffic listener notes for one request on the hot path (references only, nothing
// copied but the credential pairs), read after the response by the Auditor. Its own file so the
// transport (src/proxy) and the audit both depend on it, not on each other.
import type { RawPairs } from './request.js'
import type { HeaderBag } from './response.js'
import type { WireProtocol } from './types.js'

/** What the hot path notes for one request; read after the response by the Auditor. */
export interface Pending {
  arrivedPairs: RawPairs
  /** The credential headers that left for the upstream (websockets: the whole header object). */
  forwarded: Record<string, unknown> | null
  upstreamHeaders: HeaderBag | null
  /** The upstream's trailers (an HTTP/2 upstream: gRPC's grpc-status), once they came. */
  upstreamTrailers?: HeaderBag
  error: { code: string; message: string } | null
  websocket: boolean
  /** Edge/origin correlation id, when taps are paired. */
  pairId: string | null
  /** How the request arrived, noted on arrival: an HTTP/2 stream's socket is gone after the response. */
  protocol?: WireProtocol
  tls?: boolean
}
