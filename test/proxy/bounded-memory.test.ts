// Memory bounded in bytes as well as counts: a real `hopwatch serve` (from dist/, in a child
// process with a 128 MiB old generation) takes thousands of requests that each bring something
// new (a route, a token, a JWT kid, header names, 9 KB header names) and stays alive, answering,
// and under 256 MiB RSS (Node 24: 352 MiB, see RSS_LIMIT). Every phase is bounded in count and in time.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Pool } from 'undici'
import { rssOf, startServeProcess } from '../helpers/cli.js'

const MIB = 1024 * 1024
/**
 * The old generation is capped at 128 MiB; the rest of RSS is the young generation, code and
 * malloc'd buffers, which Node 24 keeps larger: the big-header-names phase measured 189 MiB on
 * Node 20.20 and 295-300 MiB on Node 24.22, with this code and with the previous release's alike
 * (so it is the runtime, not a leak). Each Node line gets its measured ceiling plus a margin.
 */
const RSS_LIMIT = (Number(process.versions.node.split('.')[0]) >= 24 ? 352 : 256) * MIB
const CONCURRENCY = 16
/**
 * Each phase stops at its count or after its time, whichever comes first; how far it gets
 * depends on the machine and its load, so the count asserted is only a floor (liveness).
 * Big header names get the most time: they ran the process out of heap after ~1,700 requests.
 */
const MIN_ANSWERED = 50

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const jwt = (kid: string): string => `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url({ iss: 'https://issuer.test', aud: 'api', sub: randomBytes(6).toString('hex') })}.${randomBytes(32).toString('base64url')}`
const bigName = (n: number, i: number): string => `X-${n.toString(36)}-${i}-${'n'.repeat(9 * 1024)}`

interface Phase { name: string; count: number; ms: number; request: (n: number) => { path: string; headers: Record<string, string> } }

const PHASES: Phase[] = [
  { name: 'distinct routes', count: 20_000, ms: 6000, request: (n) => ({ path: `/catalog/${randomBytes(4).toString('hex')}section${n}/item-${n.toString(36)}x/details?page=${n}`, headers: {} }) },
  { name: 'distinct tokens', count: 20_000, ms: 6000, request: () => ({ path: '/api/me', headers: { authorization: `Bearer ${randomBytes(24).toString('base64url')}` } }) },
  { name: 'distinct JWT kids', count: 10_000, ms: 6000, request: (n) => ({ path: '/api/orders', headers: { authorization: `Bearer ${jwt(`kid-${n}-${randomBytes(40).toString('hex')}`)}` } }) },
  {
    name: 'distinct header names',
    count: 10_000,
    ms: 6000,
    request: (n) => {
      const headers: Record<string, string> = {}
      for (let i = 0; i < 20; i++) headers[`x-custom-${n.toString(36)}-${i}`] = 'v'
      return { path: '/api/names', headers }
    }
  },
  {
    name: 'big header names',
    count: 5_000,
    ms: 18_000,
    request: (n) => {
      const headers: Record<string, string> = {}
      for (let i = 0; i < 6; i++) headers[bigName(n, i)] = 'v'
      return { path: '/api/big-names', headers }
    }
  }
]

t.test('thousands of distinct routes, tokens, kids and header names: alive, answering, under the RSS ceiling (256 MiB, Node 24: 352 MiB)', async (t) => {
  const upstream = createServer({ maxHeaderSize: 128 * 1024 }, (req, res) => {
    req.resume()
    req.on('end', () => { res.writeHead(401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' }); res.end('no') })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    upstream.closeAllConnections()
    await new Promise<void>((resolve) => upstream.close(() => resolve()))
  })
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  const hw = await startServeProcess(['--upstream', upstreamUrl, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'],
    { NODE_OPTIONS: '--max-old-space-size=128' })
  const pool = new Pool(hw.trafficUrl, { connections: CONCURRENCY, pipelining: 1 })
  t.teardown(async () => {
    await pool.destroy()
    await hw.stop()
  })
  const pid = hw.child.pid as number

  for (const phase of PHASES) {
    const until = Date.now() + phase.ms
    let next = 0
    let answered = 0
    const statuses = new Map<number, number>()
    const worker = async (): Promise<void> => {
      while (next < phase.count && Date.now() < until) {
        const { path, headers } = phase.request(next++)
        const res = await pool.request({ path, method: 'GET', headers })
        await res.body.dump()
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        answered++
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    const rss = rssOf(pid)
    t.equal(hw.child.exitCode, null, `${phase.name}: still running`)
    t.ok(answered >= MIN_ANSWERED, `${phase.name}: ${answered} requests answered`)
    t.same([...statuses.keys()], [401], `${phase.name}: every request got the upstream's answer`)
    t.ok(rss < RSS_LIMIT, `${phase.name}: RSS ${Math.round(rss / MIB)} MiB after ${answered} requests`)
  }
  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as { totals: { exchanges: number } }
  t.ok(report.totals.exchanges >= MIN_ANSWERED * PHASES.length, `the report still answers (${report.totals.exchanges} exchanges)`)
  t.ok(rssOf(pid, 'VmHWM') < RSS_LIMIT, `peak RSS ${Math.round(rssOf(pid, 'VmHWM') / MIB)} MiB`)
})
