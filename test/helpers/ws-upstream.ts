// A real websocket upstream on port 0 (node:http + the `ws` package). The path of the upgrade
// request picks its answer:
//   /refuse401  401 + `WWW-Authenticate: Bearer realm="ws"` + a short body
//   /refuse403  403, body sent chunked
//   /plain200   200 with a body instead of switching protocols
//   /hangup     the socket destroyed mid-handshake, no answer at all
//   /silent     no answer (the socket is kept open until the upstream closes)
//   anything else: switches (101, with a Set-Cookie), then echoes: text as `echo:<text>`,
//   binary as is; the text `close:<code>` makes the upstream close with that code.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'

export interface WsUpstream {
  url: string
  wsUrl: string
  /** Every upgrade request the upstream received: raw headers and target. */
  upgrades: Array<{ url: string; rawHeaders: string[] }>
  /** Close codes the upstream received from its clients. */
  closeCodes: number[]
  close: () => Promise<void>
}

export interface WsUpstreamOptions {
  perMessageDeflate?: boolean
  /** Picks a subprotocol from those offered; false picks none. */
  pickProtocol?: (offered: Set<string>) => string | false
}

export const REFUSE_401_BODY = 'unauthorized'
export const PLAIN_200_BODY = '{"plain":true}'

function refuse (socket: Duplex, text: string): void {
  socket.end(text)
}

export async function startWsUpstream (options: WsUpstreamOptions = {}): Promise<WsUpstream> {
  const server = createServer((_req, res) => { res.end('plain') })
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: options.perMessageDeflate ?? false,
    ...(options.pickProtocol === undefined ? {} : { handleProtocols: options.pickProtocol })
  })
  const upgrades: WsUpstream['upgrades'] = []
  const closeCodes: number[] = []
  const sockets = new Set<Duplex>()
  wss.on('headers', (headers) => { headers.push('Set-Cookie: ws_session=up-1; Path=/; HttpOnly') })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    upgrades.push({ url: req.url ?? '', rawHeaders: req.rawHeaders })
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/refuse401') {
      return refuse(socket, `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="ws"\r\nContent-Type: text/plain\r\nContent-Length: ${REFUSE_401_BODY.length}\r\n\r\n${REFUSE_401_BODY}`)
    }
    if (path === '/refuse403') {
      return refuse(socket, 'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nfor-\r\n6\r\nbidden\r\n0\r\n\r\n')
    }
    if (path === '/plain200') {
      return refuse(socket, `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${PLAIN_200_BODY.length}\r\n\r\n${PLAIN_200_BODY}`)
    }
    if (path === '/hangup') return socket.destroy()
    if (path === '/silent') return
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('close', (code) => closeCodes.push(code))
      ws.on('message', (data, binary) => {
        const text = String(data)
        if (!binary && text.startsWith('close:')) return ws.close(Number(text.slice(6)), 'upstream says bye')
        ws.send(binary ? data : `echo:${text}`, { binary })
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    upgrades,
    closeCodes,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** Sends a raw request over a fresh TCP connection; resolves with everything read until the server closes (bounded). */
export async function rawExchange (url: string, text: string, timeoutMs = 5000): Promise<string> {
  const { connect } = await import('node:net')
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); resolve(Buffer.concat(chunks).toString('latin1')) }, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')) })
    socket.on('error', (err) => { clearTimeout(timer); reject(err) })
    socket.write(text, 'latin1')
  })
}
