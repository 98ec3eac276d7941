// The bench upstream, run in its own child process: a plain node:http server on loopback.
// Path decides the answer so the load script controls the mix:
//   /unauth/...        401 + WWW-Authenticate (capture has a challenge to note)
//   /status/NNN        that status (3xx with Location, 204/304 without a body)
//   /login             200 with two Set-Cookie lines
//   /download?bytes=N  N pattern bytes, streamed
//   POST/PUT ...       body drained, answered with its byte count and sha1
//   anything else      200 with a small JSON body
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { patternStream } from './pattern.js'

const SMALL = Buffer.from('{"ok":true,"service":"bench-upstream"}\n')
const JSON_TYPE = 'application/json'

function sendSmall (res: ServerResponse, status: number, extra: Record<string, string | string[]> = {}): void {
  const noBody = status === 204 || status === 304
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': noBody ? 0 : SMALL.length, ...extra })
  res.end(noBody ? undefined : SMALL)
}

function drain (req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha1')
  let bytes = 0
  req.on('data', (chunk: Buffer) => { bytes += chunk.length; hash.update(chunk) })
  req.on('end', () => {
    const body = Buffer.from(JSON.stringify({ bytes, sha1: hash.digest('hex') }))
    res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': body.length })
    res.end(body)
  })
  req.on('error', () => { res.destroy() })
}

let requests = 0

function handle (req: IncomingMessage, res: ServerResponse): void {
  requests++
  const url = req.url ?? '/'
  if (req.method === 'POST' || req.method === 'PUT') { drain(req, res); return }
  if (url.startsWith('/unauth/')) {
    sendSmall(res, 401, { 'www-authenticate': 'Bearer realm="bench", error="invalid_token"' })
    return
  }
  if (url.startsWith('/status/')) {
    const status = Number(url.slice(8, 11))
    if (!Number.isInteger(status) || status < 200 || status > 599) { sendSmall(res, 400); return }
    sendSmall(res, status, status >= 300 && status < 400 ? { location: '/login?next=%2Fapi' } : {})
    return
  }
  if (url.startsWith('/login')) {
    sendSmall(res, 200, { 'set-cookie': ['sid=bench-session-value; Path=/; HttpOnly; Secure; SameSite=Lax', 'theme=dark; Path=/'] })
    return
  }
  if (url.startsWith('/download')) {
    const bytes = Number(new URL(url, 'http://x').searchParams.get('bytes') ?? '0')
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes })
    pipeline(patternStream(bytes), res).catch(() => { res.destroy() })
    return
  }
  req.resume()
  sendSmall(res, 200)
}

const server = createServer({ keepAliveTimeout: 65_000 }, handle)
server.maxRequestsPerSocket = 0
let connections = 0
server.on('connection', () => { connections++ })
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.send?.({ port })
})
// The runner asks over IPC how many requests arrived (to check that nothing was lost).
process.on('message', (message: unknown) => {
  if (message === 'count') process.send?.({ requests, connections })
})
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)) })
process.on('disconnect', () => { process.exit(0) })
