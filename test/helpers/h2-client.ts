// Real HTTP/2 clients for the inbound tests: curl (as a child process, bounded, killed by PID on
// timeout) and Node's node:http2 client.
import { execFile } from 'node:child_process'
import { connect, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2'
import { join } from 'node:path'
import type { TestPki } from './tls-certs.js'

export interface CurlResult { code: number; stdout: string; stderr: string }

/** Run curl with `args` (always silent, bounded by --max-time and a kill timer). */
export async function curl (args: string[], timeoutMs = 15_000): Promise<CurlResult> {
  return await new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', String(Math.ceil(timeoutMs / 1000)), ...args], { timeout: timeoutMs + 2000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1
        resolve({ code, stdout, stderr })
      })
  })
}

/** The files makePki() wrote for its `good` certificate (IP 127.0.0.1). */
export function goodCertFiles (pki: TestPki): { cert: string; key: string } {
  return { cert: join(pki.dir, 'good.pem'), key: join(pki.dir, 'good.key') }
}

export interface H2Answer { status: number; headers: IncomingHttpHeaders; body: string }

/** Open an HTTP/2 session (h2c with prior knowledge for http:, ALPN h2 for https:). */
export function h2Session (origin: string, ca?: string): ClientHttp2Session {
  const session = connect(origin, ca === undefined ? {} : { ca })
  session.on('error', () => { /* each request reports its own failure */ })
  return session
}

/** One request on `session`; bounded by timeoutMs. */
export async function h2Request (session: ClientHttp2Session, headers: OutgoingHttpHeaders, body?: Buffer | string, timeoutMs = 10_000): Promise<H2Answer> {
  return await new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined })
    const chunks: Buffer[] = []
    let answer: IncomingHttpHeaders = {}
    const timer = setTimeout(() => { stream.close(); reject(new Error(`no answer in ${timeoutMs} ms`)) }, timeoutMs)
    stream.on('response', (h) => { answer = h })
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => { clearTimeout(timer); resolve({ status: Number(answer[':status']), headers: answer, body: Buffer.concat(chunks).toString('utf8') }) })
    stream.on('error', (err) => { clearTimeout(timer); reject(err) })
    if (body !== undefined) stream.end(body)
  })
}
