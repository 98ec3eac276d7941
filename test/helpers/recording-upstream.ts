// A real upstream on port 0 that records each request as it reached it: method, the raw target
// (Node's req.url is the target's bytes, unparsed), every header line in order with its casing
// (rawHeaders, no count limit) and the body's sha256. It answers from the path:
//   /redirect/<code>?to=<path>  -> <code> with Location: <path>
//   anything else               -> 200 with a JSON body: method, target, body length
// so a client's status and body tell the same story as the record.
import { createServer, type Server } from 'node:http'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { pairs } from './echo-upstream.js'

export interface Recorded {
  method: string
  target: string
  httpVersion: string
  lines: Array<[string, string]>
  bodySha256: string
  bodyLength: number
  /** The body itself when at most KEEP_BODY bytes (multipart boundaries differ per send). */
  body: Buffer | null
}

const KEEP_BODY = 64 * 1024

export interface RecordingUpstream {
  url: string
  port: number
  server: Server
  recorded: Recorded[]
  close: () => Promise<void>
}

const REDIRECT = /^\/redirect\/(30[1278])\?to=(\/[^&]*)$/

export async function startRecordingUpstream (): Promise<RecordingUpstream> {
  const recorded: Recorded[] = []
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    const hash = createHash('sha256')
    let length = 0
    const kept: Buffer[] = []
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      length += chunk.length
      if (length <= KEEP_BODY) kept.push(chunk)
    })
    req.on('error', () => { /* client gone: nothing to record */ })
    req.on('end', () => {
      const entry: Recorded = {
        method: req.method ?? '',
        target: req.url ?? '',
        httpVersion: req.httpVersion,
        lines: pairs(req.rawHeaders),
        bodySha256: hash.digest('hex'),
        bodyLength: length,
        body: length <= KEEP_BODY ? Buffer.concat(kept) : null
      }
      recorded.push(entry)
      const redirect = REDIRECT.exec(entry.target)
      if (redirect !== null) {
        res.writeHead(Number(redirect[1]), { location: redirect[2], 'content-length': '0' })
        res.end()
        return
      }
      const body = JSON.stringify({ method: entry.method, target: entry.target, bodyLength: entry.bodyLength })
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'recording' })
      res.end(body)
    })
  })
  // Every line, however many: the comparison must see what a client sent, not Node's first 1,000.
  server.maxHeadersCount = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    recorded,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}
