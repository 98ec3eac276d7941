// A real upstream on port 0 that records what reached it. Tests compare what arrived with what
// they sent by equality or by hash; they never print a credential value.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  url: string
  httpVersion: string
  /** Raw header pairs exactly as they reached the upstream. */
  rawHeaders: Array<[string, string]>
  /** sha256 hex of the request body, and its length. */
  bodySha256: string
  bodyLength: number
}

export type Handler = (req: IncomingMessage, res: ServerResponse, received: Received) => void

export interface EchoUpstream {
  url: string
  port: number
  server: Server
  received: Received[]
  close: () => Promise<void>
}

/** Default answer: 200 with a JSON body listing the received header names (names only). */
const defaultHandler: Handler = (_req, res, received) => {
  const body = JSON.stringify({ ok: true, names: received.rawHeaders.map(([n]) => n) })
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(body)
}

export function pairs (raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string])
  return out
}

/** Values of one header (case-insensitive) as they reached the upstream. */
export function valuesOf (received: Received | undefined, name: string): string[] {
  if (!received) return []
  const key = name.toLowerCase()
  return received.rawHeaders.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v)
}

export async function startEchoUpstream (handler: Handler = defaultHandler, host = '127.0.0.1', maxHeaderSize = 16 * 1024): Promise<EchoUpstream> {
  const received: Received[] = []
  const server = createServer({ maxHeaderSize }, (req, res) => {
    const hash = createHash('sha256')
    let length = 0
    req.on('data', (chunk: Buffer) => { hash.update(chunk); length += chunk.length })
    req.on('end', () => {
      const entry: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        rawHeaders: pairs(req.rawHeaders),
        bodySha256: hash.digest('hex'),
        bodyLength: length
      }
      received.push(entry)
      handler(req, res, entry)
    })
    req.on('error', () => { /* client went away: nothing to record */ })
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    received,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

/** A loopback port nothing listens on (bound, then released): for "upstream refused" tests. */
export async function closedPort (): Promise<number> {
  const { createServer: createTcpServer } = await import('node:net')
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
