// A real HTTP/2 upstream on port 0 (node:http2): cleartext (h2c, prior knowledge) or TLS (h2,
// ALPN), recording the request heads and body digests that reached it. Tests compare by
// equality or hash; they never print a credential value.
import { createSecureServer, createServer, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream, type Http2SecureServer } from 'node:http2'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Pem } from './tls-certs.js'

export interface H2Received {
  headers: IncomingHttpHeaders
  /** Header names in the order they arrived (pseudo-headers included). */
  names: string[]
  bodySha256: string
  bodyLength: number
}

export type H2Handler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, received: H2Received) => void

export interface H2Upstream {
  url: string
  server: Http2Server | Http2SecureServer
  received: H2Received[]
  sessions: Set<Http2Session>
  close: () => Promise<void>
}

/** Default: 200 with a body, then trailers (`x-checksum`, and `grpc-status: 0`). */
export const answerWithTrailers: H2Handler = (stream) => {
  stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true })
  stream.on('wantTrailers', () => { stream.sendTrailers({ 'x-checksum': 'abc123', 'grpc-status': '0' }) })
  stream.end('hello over h2')
}

export async function startH2Upstream (handler: H2Handler = answerWithTrailers, pem?: Pem): Promise<H2Upstream> {
  const received: H2Received[] = []
  const sessions = new Set<Http2Session>()
  const server = pem === undefined ? createServer() : createSecureServer({ cert: pem.cert, key: pem.key, allowHTTP1: false })
  server.on('session', (session: Http2Session) => {
    sessions.add(session)
    session.on('close', () => sessions.delete(session))
  })
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    const hash = createHash('sha256')
    let length = 0
    const names: string[] = []
    for (let i = 0; i < rawHeaders.length; i += 2) names.push(rawHeaders[i] as string)
    const entry: H2Received = { headers, names, bodySha256: '', bodyLength: 0 }
    received.push(entry)
    stream.on('error', () => { /* reset by the client: nothing to answer */ })
    stream.on('data', (chunk: Buffer) => { hash.update(chunk); length += chunk.length })
    stream.on('end', () => { entry.bodySha256 = hash.digest('hex'); entry.bodyLength = length })
    handler(stream, headers, entry)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `${pem === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    server,
    received,
    sessions,
    close: async () => {
      for (const session of sessions) session.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
