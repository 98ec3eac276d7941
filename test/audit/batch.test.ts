// Exchanges are audited in batches (src/audit/audit.ts): they wait until the batch is full, its
// time is up, or a reader flushes; the order they ended in is kept, a throw in one exchange's
// audit spares the others, and nothing that ended is lost at shutdown.
import t, { type Test } from 'tap'
import { Writable } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import type { Pending } from '../../src/capture/pending.js'
import { request } from 'undici'
import { Auditor } from '../../src/audit/audit.js'
import { loadServeConfig } from '../../src/config/config.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { createLogger } from '../../src/proxy/logger.js'
import { createTrafficApp } from '../../src/proxy/traffic.js'
import { ExchangeStore } from '../../src/store/store.js'
import { startEchoUpstream } from '../helpers/echo-upstream.js'
import { startHopwatch } from '../helpers/hopwatch.js'

const BOUND_MS = 3000

async function until (check: () => boolean): Promise<boolean> {
  const end = Date.now() + BOUND_MS
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5))
  return check()
}

/** A traffic app in front of a real upstream, its auditor batching as asked. */
async function batched (t: Test, batch: { size: number; ms: number }) {
  const up = await startEchoUpstream()
  const config = loadServeConfig(['--upstream', up.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], {})
  const store = new ExchangeStore(100)
  const lines: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _e, done) { lines.push(chunk.toString('utf8')); done() } })
  const auditor = new Auditor({ credentialNames: credentialHeaderSet([]), hash: createHasher(null), store, logger: createLogger('info', sink), batch })
  const app = await createTrafficApp({ config, auditor })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close(); await up.close() })
  const send = async (path: string): Promise<void> => {
    const res = await request(`${url}${path}`, { headers: { authorization: `Bearer batch-secret-${path}` } })
    await res.body.dump()
  }
  return { store, auditor, send, lines }
}

t.test('a batch is audited when full, in the order its exchanges ended', async (t) => {
  const { store, auditor, send, lines } = await batched(t, { size: 3, ms: 60_000 })
  await send('/one')
  await send('/two')
  t.ok(await until(() => auditor.unaudited === 2), 'two exchanges wait')
  t.equal(store.total, 0, 'nothing audited before the batch is full')
  await send('/three')
  t.ok(await until(() => store.total === 3), 'the third fills the batch: all three audited')
  t.equal(auditor.unaudited, 0)
  t.same(store.list().map((ex) => ex.path).reverse(), ['/one', '/two', '/three'], 'in the order they ended')
  t.equal(lines.filter((l) => l.includes('"msg":"exchange"')).length, 3, 'one log line each')
  t.notOk(lines.join('').includes('batch-secret'), 'no credential value in the log')
})

t.test('flush() audits what waits; a batch also goes when its time is up', async (t) => {
  const slow = await batched(t, { size: 100, ms: 60_000 })
  await slow.send('/a')
  t.ok(await until(() => slow.auditor.unaudited === 1), 'one exchange waits')
  slow.auditor.flush()
  t.equal(slow.store.total, 1, 'flush() audited it at once')
  const timed = await batched(t, { size: 100, ms: 30 })
  await timed.send('/b')
  t.ok(await until(() => timed.store.total === 1), 'audited once its 30 ms were up, with no reader and no full batch')
})

t.test('a throw in one exchange\'s audit spares the rest of its batch', async (t) => {
  const { store, auditor, send } = await batched(t, { size: 3, ms: 60_000 })
  const record = auditor.record.bind(auditor)
  auditor.record = (input) => {
    if (input.url === '/bad') throw new TypeError('audit bug')
    return record(input)
  }
  await send('/good-1')
  await send('/bad')
  await send('/good-2')
  t.ok(await until(() => store.total === 2), 'the two other exchanges audited')
  t.equal(auditor.failures, 1, 'the throw counted')
  t.equal(auditor.unaudited, 0, 'nothing left waiting')
})

t.test('hopwatch serve: the admin answers with every exchange that ended; close() audits the last ones', async (t) => {
  const up = await startEchoUpstream()
  const hw = await startHopwatch(up.url)
  t.teardown(async () => { await hw.close(); await up.close() })
  for (let i = 0; i < 5; i++) {
    const res = await request(`${hw.trafficUrl}/r/${i}`, { headers: { authorization: `Bearer serve-secret-${i}` } })
    await res.body.dump()
  }
  t.ok(await until(() => hw.auditor.unaudited + hw.store.total === 5), 'all five ended')
  const res = await request(`${hw.adminUrl}/report`)
  const report = await res.body.json() as { totals: { exchanges: number } }
  t.equal(report.totals.exchanges, 5, 'the report counts all five, however many waited for their batch')
  const last = await request(`${hw.trafficUrl}/last`)
  await last.body.dump()
  t.ok(await until(() => hw.auditor.unaudited === 1), 'the last exchange waits for its batch')
  await hw.close()
  t.equal(hw.store.total, 6, 'close() audited it')
  t.ok(hw.logs.some((l) => l.includes('"route":"/last"')), 'and wrote its log line')
  t.notOk(hw.logs.join('').includes('serve-secret'), 'no credential value in the log')
})

t.test('a full batch waits for the end of the event loop\'s turn; a flood in one turn is audited at once', async (t) => {
  const store = new ExchangeStore(100)
  const sink = new Writable({ write (_c, _e, done) { done() } })
  const auditor = new Auditor({ credentialNames: credentialHeaderSet([]), hash: createHasher(null), store, logger: createLogger('info', sink), batch: { size: 4, ms: 60_000 } })
  // An upgrade request that ended with the upstream's 401 (the ending the audit notes the same
  // way as a response's): noted, without a socket.
  const end = (i: number): void => {
    const req = { method: 'GET', url: `/turn/${i}`, httpVersion: '1.1', rawHeaders: ['Host', 'app.test', 'Authorization', 'Bearer turn-secret'], socket: null } as unknown as IncomingMessage
    const pending = { arrivedPairs: ['Authorization', 'Bearer turn-secret'], forwarded: { authorization: 'Bearer turn-secret' }, upstreamHeaders: { 'www-authenticate': 'Bearer' }, error: null, websocket: false, pairId: null } as unknown as Pending
    auditor.afterUpgrade(req, pending, { startedAt: Date.now(), durationMs: 1, status: 401, aborted: false })
  }
  for (let i = 0; i < 5; i++) end(i)
  t.equal(store.total, 0, 'a full batch (and one more) is not audited inside the turn that filled it')
  t.equal(auditor.unaudited, 5)
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(store.total, 5, 'audited once the turn is over')
  for (let i = 0; i < 16; i++) end(i)
  t.equal(store.total, 21, 'four full batches in one turn: audited there and then')
  t.equal(auditor.unaudited, 0)
  end(99)
  auditor.flush()
  t.equal(store.total, 22, 'flush() still audits what waits at once')
  await new Promise((resolve) => setImmediate(resolve))
  t.equal(store.total, 22, 'and nothing is audited twice')
})
