// An h2c upgrade offer (`Upgrade: h2c` with `Connection: Upgrade, HTTP2-Settings`, what
// `curl --http2 http://...` sends) is a plain HTTP/1.1 request that a server may answer without
// upgrading (RFC 7540 3.2). Node hands any request with `Connection: upgrade` to the server's
// 'upgrade' listeners once one exists (the websocket proxy's), which refused it with 400. Here
// an offer is put back into Node's HTTP parser without the offer's hop-by-hop lines, and served
// as the plain request it also is, on the same connection.
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/** Offer lines left out of the replayed request (hop-by-hop, never forwarded anyway). */
const OFFER_LINES: ReadonlySet<string> = new Set(['upgrade', 'http2-settings'])

export function isH2cOffer (req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade
  if (typeof upgrade !== 'string') return false
  let h2c = false
  for (const token of upgrade.split(',')) {
    const protocol = token.trim().toLowerCase()
    // Offered with websocket too, the request is a websocket handshake: left to its listener.
    if (protocol === 'websocket') return false
    if (protocol === 'h2c') h2c = true
  }
  return h2c
}

/** The request head again, less the offer: Upgrade and HTTP2-Settings lines, and their Connection tokens. */
export function headWithoutOffer (req: IncomingMessage): Buffer {
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}\r\n`
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    let value = raw[i + 1] as string
    const key = name.toLowerCase()
    if (OFFER_LINES.has(key)) continue
    if (key === 'connection') {
      value = value.split(',').map((t) => t.trim()).filter((t) => t !== '' && !OFFER_LINES.has(t.toLowerCase())).join(', ')
      if (value === '') continue
    }
    head += `${name}: ${value}\r\n`
  }
  // Header strings are the bytes as Node read them (latin1): written back the same way.
  return Buffer.from(head + '\r\n', 'latin1')
}

/**
 * Put every 'upgrade' listener of `server` behind one that replays h2c offers as plain requests.
 * Called once the listeners are registered (fastify's onReady); other upgrades reach them as before.
 */
export function serveH2cOffersAsHttp1 (server: Server): void {
  const listeners = server.listeners('upgrade') as UpgradeListener[]
  // With no listener Node serves every upgrade request as a plain one already.
  if (listeners.length === 0) return
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!isH2cOffer(req)) {
      for (const listener of listeners) listener.call(server, req, socket, head)
      return
    }
    // Node has detached its parser from the socket; a new 'connection' attaches a fresh one,
    // which reads the replayed head (and any body bytes already read) before the rest.
    socket.unshift(head.length === 0 ? headWithoutOffer(req) : Buffer.concat([headWithoutOffer(req), head]))
    server.emit('connection', socket)
  })
}
