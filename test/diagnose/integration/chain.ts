// A chain for integration tests: real nginx or apache2 -> hopwatch -> an app that answers 401
// with a Bearer challenge when Authorization is missing. Findings are read through GET /report.
import type { Test } from 'tap'
import { startEchoUpstream, type EchoUpstream, type Handler } from '../../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges, type TestHopwatch } from '../../helpers/hopwatch.js'
import { startApache, startNginx, type RealServer } from '../../helpers/real-servers.js'
import type { FindingGroup, LayerReport } from '../../../src/diagnose/types.js'

/** A JWT-shaped test token built at run time; tests compare it by equality and never print it. */
export function testToken (expSecondsFromNow = 3600): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${part({ iss: 'https://id.example.com/', aud: 'api://orders', iat: now - 60, exp: now + expSecondsFromNow })}.c2lnbmF0dXJl`
}

export const app: Handler = (req, res) => {
  const auth = req.headers.authorization
  if (auth === undefined || auth === '') {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="api"', 'content-type': 'application/json' })
    res.end('{"error":"unauthorized"}')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"ok":true}')
}

export interface Chain {
  front: RealServer
  hopwatch: TestHopwatch
  upstream: EchoUpstream
  report: () => Promise<{ findings: FindingGroup[], layers: LayerReport[] }>
  /** Wait until hopwatch has recorded `n` exchanges. */
  settle: (n: number) => Promise<void>
}

export async function chain (t: Test, kind: 'nginx' | 'apache', config: string, hopwatchArgs: string[] = []): Promise<Chain> {
  const upstream = await startEchoUpstream(app)
  t.teardown(upstream.close)
  const hopwatch = await startHopwatch(upstream.url, hopwatchArgs)
  t.teardown(hopwatch.close)
  const start = kind === 'nginx' ? startNginx : startApache
  const front = await start(config, { upstream: hopwatch.trafficUrl, t })
  return {
    front,
    hopwatch,
    upstream,
    settle: async (n) => { await waitForExchanges(hopwatch, n) },
    report: async () => {
      const res = await fetch(`${hopwatch.adminUrl}/report`)
      return await res.json() as { findings: FindingGroup[], layers: LayerReport[] }
    }
  }
}
