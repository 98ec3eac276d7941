// `hopwatch report --admin A --admin B ...`: three real sidecars in front of one real upstream,
// each fed its own traffic, merged into one report; a sidecar that does not answer is listed,
// and sidecars fingerprinting with different keys are not merged.
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { report } from '../../src/cli/report.js'
import type { CliIO } from '../../src/cli/io.js'
import type { FleetReport } from '../../src/report/merge.js'
import type { Report } from '../../src/report/model.js'
import { closedPort, startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'

const KEY = 'fleet-fingerprint-key-0123456789abcdef'
const TOKEN = 'fleet-test-bearer-9f8e7d6c5b4a39281706'

function io (): CliIO & { out: string[], err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, env: {}, stdout: (s) => { out.push(s) }, stderr: (s) => { err.push(s) } }
}

const adminOf = (h: TestHopwatch): string => h.adminUrl.replace(/\/$/, '')

async function own (h: TestHopwatch): Promise<Report> {
  const res = await fetch(`${adminOf(h)}/report`)
  return await res.json() as Report
}

t.test('three replicas merge into one report', async (t) => {
  // The app: 401 with a challenge on /admin/* without a Bearer token, else 200.
  const upstream = await startEchoUpstream((req, res) => {
    const auth = req.headers.authorization
    if ((req.url ?? '').startsWith('/admin') && auth === undefined) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="app"' }).end('{"error":"unauthorized"}')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  const replicas = [
    await startHopwatch(upstream.url, ['--fingerprint-key', KEY]),
    await startHopwatch(upstream.url, ['--fingerprint-key', KEY]),
    await startHopwatch(upstream.url, ['--fingerprint-key', KEY])
  ]
  const other = await startHopwatch(upstream.url, ['--fingerprint-key', 'another-key-entirely-0123456789'])
  t.teardown(async () => {
    for (const h of [...replicas, other]) await h.close()
    await upstream.close()
  })
  // Replica 1 and 2: the same user with a token on /api, then a 401 on /admin with a token
  // stripped in front (the client sent none here: the request reaches the sidecar without it).
  const plan = [
    { h: replicas[0] as TestHopwatch, api: 3, admin: 2 },
    { h: replicas[1] as TestHopwatch, api: 2, admin: 1 },
    { h: replicas[2] as TestHopwatch, api: 4, admin: 0 }
  ]
  for (const { h, api, admin } of plan) {
    for (let i = 0; i < api; i++) {
      const res = await fetch(`${h.trafficUrl}/api/orders/${i + 1}`, { headers: { authorization: `Bearer ${TOKEN}` } })
      await res.arrayBuffer()
    }
    for (let i = 0; i < admin; i++) {
      const res = await fetch(`${h.trafficUrl}/admin/users/${i + 1}`)
      await res.arrayBuffer()
    }
    await waitForExchanges(h, api + admin)
  }
  const res = await fetch(`${other.trafficUrl}/api/orders/9`, { headers: { authorization: `Bearer ${TOKEN}` } })
  await res.arrayBuffer()
  await waitForExchanges(other, 1)

  const singles = await Promise.all(replicas.map(own))
  t.ok(singles.every((r) => typeof r.fingerprintKeyId === 'string' && r.fingerprintKeyId === singles[0]?.fingerprintKeyId), 'same key, same key id')
  t.not((await own(other)).fingerprintKeyId, singles[0]?.fingerprintKeyId, 'another key, another id')
  t.notOk(JSON.stringify(singles).includes(KEY), 'the key itself is in no report')

  const down = await closedPort()
  const cli = io()
  const code = await report(['--format', 'json', ...replicas.flatMap((h) => ['--admin', adminOf(h)]), '--admin', `http://127.0.0.1:${down}`], cli)
  const merged = JSON.parse(cli.out.join('')) as FleetReport
  t.equal(merged.totals.exchanges, singles.reduce((a, r) => a + r.totals.exchanges, 0), 'totals are summed')
  t.equal(merged.totals.exchanges, 12)
  t.equal(merged.statuses['401'], 3)
  t.equal(merged.statuses['200'], 9)
  const auth = merged.headers.find((h) => h.name === 'authorization')
  t.equal(auth?.arrived, 9, 'header counts are summed')
  const orders = merged.routes.find((r) => r.route.startsWith('/api/orders'))
  t.equal(orders?.exchanges, 9, 'routes of one name are merged')
  t.equal(merged.replicas.length, 4)
  t.same(merged.replicas.map((r) => r.answered), [true, true, true, false], 'the silent sidecar is listed')
  t.match(cli.err.join(''), /did not answer/)
  const fromAdmin = merged.findings.filter((f) => f.route.startsWith('/admin'))
  t.ok(fromAdmin.length > 0, 'the /admin 401s make findings')
  for (const f of fromAdmin) {
    t.same(Object.values(f.replicas).reduce((a, n) => a + n, 0), f.count, `${f.rule}: per-replica counts add up`)
    t.same(Object.keys(f.replicas).sort(), [adminOf(replicas[0] as TestHopwatch), adminOf(replicas[1] as TestHopwatch)].sort(), `${f.rule}: seen on replicas 1 and 2`)
    t.ok(f.examples.every((e) => /^r[12]:/.test(e)), 'examples say which replica')
  }
  t.equal(code, merged.findings.some((f) => f.severity === 'error') ? 1 : 0, 'exit code from the merged findings')
  t.notOk(cli.out.join('').includes(TOKEN), 'no credential value in the merged report')

  const text = io()
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-fleet-'))
  const list = join(dir, 'admins.txt')
  writeFileSync(list, `# the replicas\n${replicas.map(adminOf).join('\n')}\n\n`)
  await report(['--admins', list], text)
  t.match(text.out.join(''), /REPLICAS \(3 of 3 answered\)/)
  t.match(text.out.join(''), /exchanges 12, with credentials 9/)

  const mixed = io()
  t.equal(await report(['--admin', adminOf(replicas[0] as TestHopwatch), '--admin', adminOf(other)], mixed), 2, 'different keys: not merged')
  t.match(mixed.err.join(''), /different keys.*HOPWATCH_FINGERPRINT_KEY/)
  t.equal(mixed.out.join(''), '')

  const none = io()
  t.equal(await report(['--admin', `http://127.0.0.1:${down}`, '--admin', `http://127.0.0.1:${down}`], none), 2, 'nobody answered')
  t.match(none.err.join(''), /no sidecar answered/)

  const bad = io()
  t.equal(await report(['--admins', dir], bad), 2, 'a folder is not a list')
  t.match(bad.err.join(''), /regular file/)
})
