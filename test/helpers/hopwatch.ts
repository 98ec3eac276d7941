// Start a real hopwatch (in this process) in front of an upstream, with its log lines captured.
import { Writable } from 'node:stream'
import { loadServeConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/proxy/server.js'

export interface TestHopwatch extends RunningServer {
  /** Every log line written, as text. */
  logs: string[]
}

export async function startHopwatch (upstream: string, args: string[] = []): Promise<TestHopwatch> {
  const config = loadServeConfig(['--upstream', upstream, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', ...args], {})
  const logs: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _enc, done) { logs.push(chunk.toString('utf8')); done() } })
  const server = await startServer(config, { logDestination: sink })
  return Object.assign(server, { logs })
}

/** Wait until the store holds `count` exchanges (the audit runs just after the response). */
export async function waitForExchanges (server: RunningServer, count: number, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (server.store.total < count) {
    if (Date.now() > until) throw new Error(`only ${server.store.total} of ${count} exchanges recorded after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Send raw bytes over a fresh TCP connection and collect the whole answer (bounded). */
export async function rawRequest (url: string, bytes: string | Buffer, timeoutMs = 3000): Promise<string> {
  const { connect } = await import('node:net')
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); resolve(Buffer.concat(chunks).toString('latin1')) }, timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')) })
    socket.on('error', (err) => { clearTimeout(timer); reject(err) })
    socket.write(bytes)
  })
}
