// Sends one canary request and reads the answer, bounded by a timeout. undici sends duplicate
// lines from a flat header array and never follows redirects by itself; node:http is used only
// for the Connection-nominated shape, because undici refuses to send a Connection list.
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Agent, request } from 'undici'
import type { CanaryLine } from './canary.js'

/** A response as the probe needs it: status, a few header values, a bounded body. */
export interface Reply {
  status: number
  location: string | null
  server: string | null
  wwwAuthenticate: boolean
  body: string
}

export class ProbeError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** Bodies beyond this are not canary answers: read no further. */
export const MAX_BODY_BYTES = 256 * 1024

export interface SendOptions {
  method: string
  timeoutMs: number
  agent: Agent
  raw: boolean
}

const first = (v: string | string[] | undefined): string | null =>
  v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v

function plainError (err: unknown, url: string, timeoutMs: number): ProbeError {
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : ''
  const name = err instanceof Error ? err.name : ''
  if (code === 'ECONNREFUSED') return new ProbeError('ECONNREFUSED', `Could not connect to ${url}: connection refused. Is the server running and the URL right?`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ProbeError('ENOTFOUND', `Could not resolve the host of ${url}. Check the URL.`)
  if (name === 'TimeoutError' || name === 'AbortError' || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) || code === 'ETIMEDOUT') {
    return new ProbeError('TIMEOUT', `${url} did not answer within ${timeoutMs} ms. Raise --timeout or check the chain.`)
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return new ProbeError('ECONNRESET', `${url} closed the connection without an answer.`)
  }
  return new ProbeError('REQUEST_FAILED', `The request to ${url} failed${code === '' ? '' : ` (${code})`}.`)
}

async function readBounded (chunks: AsyncIterable<Buffer | string>): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += buf.length
    if (size > MAX_BODY_BYTES) break
    parts.push(buf)
  }
  return Buffer.concat(parts).toString('utf8')
}

export async function send (url: string, headers: CanaryLine[], opts: SendOptions): Promise<Reply> {
  try {
    return opts.raw ? await sendRaw(url, headers, opts) : await sendUndici(url, headers, opts)
  } catch (err) {
    throw err instanceof ProbeError ? err : plainError(err, url, opts.timeoutMs)
  }
}

async function sendUndici (url: string, headers: CanaryLine[], opts: SendOptions): Promise<Reply> {
  const res = await request(url, {
    method: opts.method,
    headers: headers.flatMap((l) => [l.name, l.value]),
    dispatcher: opts.agent,
    signal: AbortSignal.timeout(opts.timeoutMs),
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs
  })
  const body = await readBounded(res.body)
  res.body.destroy()
  return {
    status: res.statusCode,
    location: first(res.headers.location),
    server: first(res.headers.server),
    wwwAuthenticate: res.headers['www-authenticate'] !== undefined,
    body
  }
}

function sendRaw (url: string, headers: CanaryLine[], opts: SendOptions): Promise<Reply> {
  const target = new URL(url)
  const make = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<Reply>((resolve, reject) => {
    // With a header array node:http adds no Host line of its own.
    const req = make(target, {
      method: opts.method,
      headers: ['Host', target.host, ...headers.flatMap((l) => [l.name, l.value])],
      agent: false,
      signal: AbortSignal.timeout(opts.timeoutMs)
    }, (res) => {
      readBounded(res).then((body) => {
        res.destroy()
        resolve({
          status: res.statusCode ?? 0,
          location: first(res.headers.location),
          server: first(res.headers.server),
          wwwAuthenticate: res.headers['www-authenticate'] !== undefined,
          body
        })
      }, reject)
    })
    req.on('error', reject)
    req.end()
  })
}
