// Websocket clients for tests (the `ws` package): open a socket, or collect the answer of an
// upstream that did not switch protocols. Every wait is bounded.
import type { IncomingMessage } from 'node:http'
import { WebSocket, type ClientOptions } from 'ws'

export type Handshake =
  | { kind: 'open'; ws: WebSocket; response: IncomingMessage }
  | { kind: 'refused'; status: number; headers: IncomingMessage['headers']; body: string }
  | { kind: 'error'; message: string }

const HANDSHAKE_MS = 10_000

/** Opens a websocket; an answer other than 101 is read in full and returned. */
export async function handshake (url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<Handshake> {
  const { protocols, ...clientOptions } = options
  const ws = new WebSocket(url, protocols ?? [], clientOptions)
  return await new Promise((resolve) => {
    const timer = setTimeout(() => { ws.terminate(); resolve({ kind: 'error', message: 'no handshake within the test bound' }) }, HANDSHAKE_MS)
    let response: IncomingMessage | null = null
    ws.once('upgrade', (res) => { response = res })
    ws.once('open', () => { clearTimeout(timer); resolve({ kind: 'open', ws, response: response as unknown as IncomingMessage }) })
    ws.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        clearTimeout(timer)
        req.destroy()
        resolve({ kind: 'refused', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    ws.once('error', (err) => { clearTimeout(timer); resolve({ kind: 'error', message: err.message }) })
  })
}

/** The next message on `ws` (text as string, binary as Buffer). */
export async function nextMessage (ws: WebSocket): Promise<string | Buffer> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within the test bound')), HANDSHAKE_MS)
    ws.once('message', (data, binary) => { clearTimeout(timer); resolve(binary ? data as Buffer : String(data)) })
  })
}

/** Resolves with the close code and reason once `ws` has closed. */
export async function closed (ws: WebSocket): Promise<{ code: number; reason: string }> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not closed within the test bound')), HANDSHAKE_MS)
    ws.once('close', (code, reason) => { clearTimeout(timer); resolve({ code, reason: String(reason) }) })
  })
}
