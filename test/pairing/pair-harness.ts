// A minimal edge + origin pair of taps for tests, standing in for the sidecar's two listeners:
// edge (stamps, forwards to the outer layers) -> layers -> origin (reads and removes the stamp,
// forwards to the app). Observations are recorded after each response, as the sidecar does.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { copyCredentialPairs, seenHeaders } from '../../src/capture/request.js'
import { createPairing, PAIR_KEY, type Pairing, type PairResult } from '../../src/pairing/pairing.js'

const names = credentialHeaderSet([])
const hasher = createHasher(null)
const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])

export interface PairHarness {
  edgeUrl: string
  originUrl: string
  pairing: Pairing
  results: PairResult[]
  /** Raw header names the app received, per request. */
  appNames: string[][]
  /** Points the edge at the outer layers once they are started. */
  setEdgeUpstream: (url: string) => void
  close: () => Promise<void>
}

async function listen (server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const observation = (req: IncomingMessage) => ({
  method: req.method ?? 'GET',
  path: (req.url ?? '/').split('?')[0] ?? '/',
  arrived: seenHeaders(copyCredentialPairs(req.rawHeaders, names), hasher)
})

async function forward (target: string, req: IncomingMessage, extra: string[], drop: string): Promise<{ status: number, body: string }> {
  const headers: string[] = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const key = (req.rawHeaders[i] as string).toLowerCase()
    if (!HOP.has(key) && key !== drop) headers.push(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string)
  }
  const res = await request(`${target}${req.url ?? '/'}`, { method: 'GET', headers: [...headers, ...extra], signal: AbortSignal.timeout(5_000) })
  return { status: res.statusCode, body: await res.body.text() }
}

export async function startPairHarness (): Promise<PairHarness> {
  const pairing = createPairing()
  const results: PairResult[] = []
  const appNames: string[][] = []
  let edgeUpstream = ''
  const app = createServer((req, res) => {
    appNames.push(req.rawHeaders.filter((_, i) => i % 2 === 0))
    req.resume()
    res.end('app')
  })
  const appUrl = await listen(app)
  const origin = createServer((req, res) => {
    const { id } = pairing.read(req.rawHeaders)
    req.resume()
    forward(appUrl, req, [], PAIR_KEY).then((r) => {
      res.writeHead(r.status).end(r.body)
      const done = pairing.observe('origin', id, observation(req))
      if (done !== null) results.push(done)
    }, () => { res.writeHead(502).end() })
  })
  const originUrl = await listen(origin)
  const edge = createServer((req, res) => {
    const s = pairing.stamp()
    req.resume()
    forward(edgeUpstream, req, [s.name, s.value], PAIR_KEY).then((r) => {
      res.writeHead(r.status).end(r.body)
      const done = pairing.observe('edge', s.id, observation(req))
      if (done !== null) results.push(done)
    }, () => { res.writeHead(502).end() })
  })
  const edgeUrl = await listen(edge)
  const close = async (): Promise<void> => {
    for (const s of [edge, origin, app]) {
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    }
  }
  return { edgeUrl, originUrl, pairing, results, appNames, setEdgeUpstream: (u) => { edgeUpstream = u }, close }
}
