// Two sockets joined both ways once the upstream has switched protocols: bytes pass untouched
// (websocket frames, compressed or not), a half-close on one side is passed on to the other, an
// error on either destroys both, and a side that closes lets the other flush what it was given
// before it is destroyed too. Nothing is left open: every path ends in destroy().
import type { Duplex } from 'node:stream'

/** How long a side may take to flush what it was given once the other side has closed. */
export const FLUSH_GRACE_MS = 5_000

function afterFlush (side: Duplex): void {
  if (side.destroyed) return
  if (side.writableFinished) { side.destroy(); return }
  const timer = setTimeout(() => { side.destroy() }, FLUSH_GRACE_MS)
  timer.unref()
  side.once('close', () => { clearTimeout(timer) })
  side.once('finish', () => { side.destroy() })
  side.end()
}

function noDelay (side: Duplex): void {
  const socket = side as Duplex & { setNoDelay?: (on: boolean) => unknown }
  socket.setNoDelay?.(true)
}

/** Join `client` (the upgraded downstream socket) and `upstream`; both end up destroyed. */
export function joinSockets (client: Duplex, upstream: Duplex): void {
  const cut = (): void => { client.destroy(); upstream.destroy() }
  client.on('error', cut)
  upstream.on('error', cut)
  client.on('close', () => { afterFlush(upstream) })
  upstream.on('close', () => { afterFlush(client) })
  // A FIN from one side becomes a FIN to the other; the other direction stays open (TCP
  // half-close). Node's server sockets allow it already; the upstream one must be told.
  upstream.allowHalfOpen = true
  noDelay(client)
  noDelay(upstream)
  client.pipe(upstream)
  upstream.pipe(client)
}
