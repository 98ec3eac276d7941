// A real node http server on port 0 standing in for the sidecar: it calls createCanaryTap on
// every request and answers canaries itself, like the lead's onRequest hook; anything else
// goes to the "app", which records what reached it (raw pairs) and answers 200 or 401.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pairs } from '../helpers/echo-upstream.js'
import { createCanaryTap } from '../../src/probe/tap.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { signedTokensIn, tokenText } from '../../src/probe/token.js'

export interface TapServer {
  url: string
  port: number
  server: Server
  /** Requests the app received, raw header pairs. */
  appReceived: Array<Array<[string, string]>>
  /** Number of app requests that carried a well-signed canary token (fresh or not). */
  appSawSignedCanary: () => number
  /** Number of app requests carrying a signed token whose nonce the tap never answered. */
  appSawUnansweredCanary: () => number
  answered: () => number
  close: () => Promise<void>
}

export async function startTapServer (secret: string, opts: { appStatus?: number } = {}): Promise<TapServer> {
  const tap = createCanaryTap({ secret, credentialHeaders: credentialHeaderSet([]) })
  const appReceived: Array<Array<[string, string]>> = []
  let answered = 0
  const answeredNonces = new Set<string>()
  const nonces = (lines: Array<[string, string]>): string[] => lines.flatMap(([, v]) => signedTokensIn(secret, tokenText(v)).map((x) => x.nonce))
  const server = createServer((req, res) => {
    const reply = tap(req)
    req.resume()
    if (reply !== null) {
      answered++
      const body0 = reply.body
      if (typeof body0 === 'object' && body0 !== null && 'nonce' in body0 && typeof body0.nonce === 'string') answeredNonces.add(body0.nonce)
      const body = JSON.stringify(reply.body)
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    appReceived.push(pairs(req.rawHeaders))
    res.writeHead(opts.appStatus ?? 200, { 'content-type': 'application/json' })
    res.end('{"app":true}')
  })
  server.maxHeadersCount = 200
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    appReceived,
    appSawSignedCanary: () => appReceived.filter((lines) => nonces(lines).length > 0).length,
    appSawUnansweredCanary: () => appReceived.filter((lines) => nonces(lines).some((n) => !answeredNonces.has(n))).length,
    answered: () => answered,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

/** Collects what a Command writes. */
export function captureIO (env: NodeJS.ProcessEnv = {}): { io: { stdout: (s: string) => void, stderr: (s: string) => void, env: NodeJS.ProcessEnv }, out: () => string, err: () => string } {
  let out = ''
  let err = ''
  return { io: { stdout: (s) => { out += s }, stderr: (s) => { err += s }, env }, out: () => out, err: () => err }
}

export interface ProbeJson {
  target: string
  hops: Array<{
    url: string
    reached: boolean
    server: string | null
    headers: Array<{ name: string, shape: string, verdict: string, arrivedAs: string | null, detail: string, required: boolean, how: string | null, status: number | null }>
    notes: string[]
  }>
  redirects: Array<{ from: string, to: string, status: number, changesOrigin: boolean, changes: string[], dropAuthorization: string[], followed: boolean, required: boolean }>
  followCrossOrigin: boolean
  crossOriginAllowed: boolean
  losses: Array<{ name: string, shape: string, verdict: string, hop: number, required: boolean, fix: string | null }>
  exitCode: number
}

/** Runs `hopwatch probe ... --format json` in-process; the JSON holds verdicts, never values. */
export async function probeJson (args: string[]): Promise<{ code: number, json: ProbeJson, err: string }> {
  const { probe } = await import('../../src/cli/probe.js')
  const c = captureIO()
  const code = await probe([...args, '--format', 'json'], c.io)
  return { code, json: JSON.parse(c.out() === '' ? 'null' : c.out()) as ProbeJson, err: c.err() }
}

/** `shape label -> verdict cell` for one hop, e.g. { 'Bearer opaque': 'intact', 'Bearer JWT 10 KB': 'blocked:400' }. */
export function cells (json: ProbeJson, hop: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const h of json.hops[hop]?.headers ?? []) {
    const key = h.verdict === 'added' ? `added ${h.name}` : `${h.name} ${h.shape}`
    out[key] = h.verdict === 'modified' && h.how !== null ? `modified:${h.how}` : h.verdict === 'blocked' && h.status !== null ? `blocked:${h.status}` : h.verdict
  }
  return out
}
