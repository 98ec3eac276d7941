// A minimal FastCGI responder on loopback port 0, enough for httpd's mod_proxy_fcgi: it records
// the CGI params of each request (HTTP_AUTHORIZATION among them) and answers 200. Tests compare
// what arrived by equality; values are never printed.
import { createServer, type AddressInfo, type Socket } from 'node:net'

const FCGI_VERSION = 1
const TYPE = { BEGIN_REQUEST: 1, END_REQUEST: 3, PARAMS: 4, STDIN: 5, STDOUT: 6 } as const
const MAX_BUFFER = 1024 * 1024

export interface FcgiUpstream {
  port: number
  /** The CGI params of each completed request. */
  received: Array<Map<string, string>>
  close: () => Promise<void>
}

function record (type: number, requestId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8)
  header.writeUInt8(FCGI_VERSION, 0)
  header.writeUInt8(type, 1)
  header.writeUInt16BE(requestId, 2)
  header.writeUInt16BE(body.length, 4)
  return Buffer.concat([header, body])
}

function readLength (buf: Buffer, at: number): [number, number] {
  const first = buf.readUInt8(at)
  if (first < 0x80) return [first, at + 1]
  return [buf.readUInt32BE(at) & 0x7fffffff, at + 4]
}

export function parseParams (buf: Buffer): Map<string, string> {
  const params = new Map<string, string>()
  let at = 0
  for (let guard = 0; at < buf.length && guard < 10_000; guard++) {
    const [nameLength, afterName] = readLength(buf, at)
    const [valueLength, afterValue] = readLength(buf, afterName)
    const name = buf.subarray(afterValue, afterValue + nameLength).toString('latin1')
    const value = buf.subarray(afterValue + nameLength, afterValue + nameLength + valueLength).toString('latin1')
    params.set(name, value)
    at = afterValue + nameLength + valueLength
  }
  return params
}

function serve (socket: Socket, received: FcgiUpstream['received']): void {
  let pending = Buffer.alloc(0)
  let params = Buffer.alloc(0)
  socket.on('error', () => { /* httpd closed the connection */ })
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    if (pending.length > MAX_BUFFER) { socket.destroy(); return }
    for (let guard = 0; pending.length >= 8 && guard < 10_000; guard++) {
      const type = pending.readUInt8(1)
      const requestId = pending.readUInt16BE(2)
      const length = pending.readUInt16BE(4)
      const padding = pending.readUInt8(6)
      if (pending.length < 8 + length + padding) return
      const body = pending.subarray(8, 8 + length)
      pending = pending.subarray(8 + length + padding)
      if (type === TYPE.PARAMS && length > 0) params = Buffer.concat([params, body])
      if (type === TYPE.STDIN && length === 0) {
        received.push(parseParams(params))
        params = Buffer.alloc(0)
        const out = Buffer.from('Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nfastcgi ok\n', 'latin1')
        socket.write(Buffer.concat([record(TYPE.STDOUT, requestId, out), record(TYPE.STDOUT, requestId, Buffer.alloc(0)), record(TYPE.END_REQUEST, requestId, Buffer.alloc(8))]))
        socket.end()
      }
    }
  })
}

export async function startFcgiUpstream (): Promise<FcgiUpstream> {
  const received: FcgiUpstream['received'] = []
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serve(socket, received)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  }
}
