// Every audited exchange carries its Shape (src/capture/shape.ts): exchanges of one shape carry
// the same one, it remembers a value once per slot (never for an exchange built on its own),
// what is computed from credentials is remembered only for the shape's own users, and the
// shape never reaches an exchange's JSON.
import t from 'tap'
import { Writable } from 'node:stream'
import type { ExchangeInput } from '../../src/capture/exchange.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { perArrived, perShape, Shape, shapeSlot } from '../../src/capture/shape.js'
import type { Exchange, SeenHeader } from '../../src/capture/types.js'
import { Auditor } from '../../src/audit/audit.js'
import { createLogger } from '../../src/proxy/logger.js'
import { ExchangeStore } from '../../src/store/store.js'
import { createDiagnoser } from '../../src/diagnose/index.js'

const SECRETS = ['shape-test-token-one-8f2a', 'shape-test-token-two-3c9d', 'shape-test-token-three-77e1']

function input (i: number, token: string, setCookie = false): ExchangeInput {
  const raw = ['Host', 'app.test', 'Authorization', `Bearer ${token}`, 'User-Agent', 'curl/8']
  return {
    id: `x-${i}`, startedAt: 1_700_000_000_000 + i, durationMs: 2, method: 'GET', url: `/api/orders/${i}`, httpVersion: '1.1',
    rawHeaders: raw, arrivedPairs: ['Authorization', `Bearer ${token}`], forwarded: { host: 'app.test', authorization: `Bearer ${token}` },
    status: 200, upstreamHeaders: setCookie ? { date: 'Thu, 03 Dec 2026 10:00:00 GMT', 'set-cookie': ['sid=abc; Path=/'] } : { date: 'Thu, 03 Dec 2026 10:00:00 GMT' },
    clientStatus: 200, error: null, aborted: false, websocket: false
  }
}

function auditor (store: ExchangeStore): Auditor {
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  return new Auditor({ credentialNames: credentialHeaderSet([]), hash: createHasher('shape-test-key'), store, logger: createLogger('info', sink), diagnoser: createDiagnoser({ expectIssuers: [], expectAudiences: [] }) })
}

t.test('exchanges of one shape carry one Shape; the store gives it back; JSON leaves it out', async (t) => {
  const store = new ExchangeStore(10)
  const audit = auditor(store)
  const a = audit.record(input(1, SECRETS[0] as string))
  const b = audit.record(input(2, SECRETS[1] as string))
  const c = audit.record(input(3, SECRETS[0] as string))
  const own = audit.record(input(4, SECRETS[2] as string, true))
  t.ok(a.shape !== undefined && a.shape.key !== null, 'a remembered shape has a key')
  t.equal(b.shape, a.shape, 'another user, the same shape')
  t.equal(c.shape, a.shape)
  t.equal(a.shape?.parts, a, 'its parts are its first exchange\'s')
  t.equal(b.headerNames, a.headerNames, 'shared parts are the first exchange\'s')
  t.not(b.arrived, a.arrived, 'another user\'s credentials are its own')
  t.equal(c.arrived, a.arrived, 'the first user again shares the first stage')
  t.equal(own.shape?.key, null, 'Set-Cookie: a shape of its own, with no key')
  t.not(own.shape, a.shape)
  t.equal(store.get(b.id)?.shape, a.shape, 'the store gives the shape back with the exchange')
  const json = JSON.stringify(store.list({ limit: 10 }))
  const listed = JSON.parse(json) as Array<Record<string, unknown>>
  t.equal(listed.length, 4)
  t.notOk(listed.some((ex) => 'shape' in ex), 'no exchange JSON holds its shape')
  t.notOk(json.includes('"parts"'))
  for (const secret of SECRETS) t.notOk(json.includes(secret), 'and no credential value')
  t.equal(JSON.parse(JSON.stringify(b)).id, b.id, 'the JSON is the exchange\'s own fields')
})

t.test('a slot is computed once per shape, a shape without a key remembers nothing', async (t) => {
  const store = new ExchangeStore(10)
  const audit = auditor(store)
  const a = audit.record(input(1, SECRETS[0] as string))
  const b = audit.record(input(2, SECRETS[1] as string))
  const own = audit.record(input(3, SECRETS[2] as string, true))
  const slot = shapeSlot<string>('test: route')
  const other = shapeSlot<string>('test: other')
  let computed = 0
  const routeOf = (ex: Exchange): string => { computed++; return ex.route }
  t.equal(perShape(a, slot, a, routeOf), '/api/orders/:id')
  t.equal(perShape(b, slot, b, routeOf), '/api/orders/:id')
  t.equal(computed, 1, 'once for two exchanges of the shape')
  perShape(b, other, b, routeOf)
  t.equal(computed, 2, 'each slot on its own')
  perShape(own, slot, own, routeOf)
  perShape(own, slot, own, routeOf)
  t.equal(computed, 4, 'a shape without a key computes every time')
  const nothing = shapeSlot<undefined>('test: undefined')
  let asked = 0
  a.shape?.remembered(nothing, null, () => { asked++; return undefined })
  a.shape?.remembered(nothing, null, () => { asked++; return undefined })
  t.equal(asked, 1, 'undefined is remembered too (a shape no diagnoser derived)')
  const bare: Exchange = { ...a, shape: undefined }
  perShape(bare, slot, bare, routeOf)
  t.equal(computed, 5, 'an exchange without a shape computes every time')
})

t.test('perArrived remembers only for the shape\'s own users', async (t) => {
  const audit = auditor(new ExchangeStore(10))
  const a = audit.record(input(1, SECRETS[0] as string))
  const b = audit.record(input(2, SECRETS[1] as string))
  const again = audit.record(input(3, SECRETS[0] as string))
  const slot = shapeSlot<string>('test: hashes')
  let computed = 0
  const hashes = (arrived: readonly SeenHeader[]): string => { computed++; return arrived.map((h) => h.values.map((v) => v.hash).join(',')).join(';') }
  const first = perArrived(a, slot, hashes)
  t.equal(perArrived(again, slot, hashes), first, 'the first user again: remembered')
  t.equal(computed, 1)
  t.not(perArrived(b, slot, hashes), first, 'another user: computed from its own fingerprints')
  perArrived(b, slot, hashes)
  t.equal(computed, 3, 'every time for another user')
})

t.test('two stores keep their own counters for one shape (a slot per owner)', async (t) => {
  const one = new ExchangeStore(10)
  const two = new ExchangeStore(10)
  const audit = auditor(one)
  const exchanges = [1, 2, 3].map((i) => audit.record(input(i, SECRETS[i % 3] as string)))
  for (const ex of exchanges) two.add(ex)
  two.add(exchanges[0] as Exchange)
  t.equal(one.headers.get('authorization')?.arrived, 3)
  t.equal(two.headers.get('authorization')?.arrived, 4, 'the second store counts in its own cells')
  t.equal(one.routes.get('GET /api/orders/:id')?.exchanges, 3)
  t.equal(two.routes.get('GET /api/orders/:id')?.exchanges, 4)
})

t.test('a Shape made by hand behaves the same', async (t) => {
  const audit = auditor(new ExchangeStore(2))
  const a = audit.record(input(1, SECRETS[0] as string, true))
  const shape = new Shape('k', a)
  const slot = shapeSlot<number>('test: n')
  let n = 0
  t.equal(shape.remembered(slot, null, () => ++n), 1)
  t.equal(shape.remembered(slot, null, () => ++n), 1)
  t.equal(JSON.stringify({ shape }), '{}', 'a shape serialises to nothing')
})
