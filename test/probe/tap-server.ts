// A real node http server on port 0 standing in for the sidecar: it calls createCanaryTap on
// every request and answers canaries itself, like the lead's onRequest hook; anything else
// goes to the "app", which records what reached it (raw pairs) and answers 200 or 401.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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
  answered: () => number
  close: () => Promise<void>
}

export async function startTapServer (secret: string, opts: { appStatus?: number } = {}): Promise<TapServer> {
  const tap = createCanaryTap({ secret, credentialHeaders: credentialHeaderSet([]) })
  const appReceived: Array<Array<[string, string]>> = []
  let answered = 0
  const server = createServer((req, res) => {
    const reply = tap(req)
    req.resume()
    if (reply !== null) {
      answered++
      const body = JSON.stringify(reply.body)
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    const pairs: Array<[string, string]> = []
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string])
    appReceived.push(pairs)
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
    appSawSignedCanary: () => appReceived.filter((pairs) => pairs.some(([, v]) => signedTokensIn(secret, tokenText(v)).length > 0)).length,
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
