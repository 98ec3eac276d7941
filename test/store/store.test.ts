// The bounded store: oldest forgotten first and counted; routes folded and capped.
import t from 'tap'
import { ExchangeStore, MAX_ROUTES } from '../../src/store/store.js'
import { routeOf } from '../../src/capture/routes.js'
import type { Exchange } from '../../src/capture/types.js'

function exchange (id: number, path = '/x', status = 200): Exchange {
  return {
    id: String(id), startedAt: 0, durationMs: 1, method: 'GET', path, queryKeys: [], route: routeOf(path),
    httpVersion: '1.1', protocol: 'http/1.1', tls: false, websocket: false, headerNames: [], context: {},
    arrived: [{ key: 'authorization', name: 'Authorization', lines: 1, validName: true, values: [] }],
    forwarded: [], droppedHere: ['authorization'], dropReasons: {},
    response: { status, source: 'upstream', wwwAuthenticate: [], proxyAuthenticate: [], setCookies: [], location: null, date: null, retryAfter: null },
    clientStatus: status, error: null, aborted: false
  }
}

t.test('keeps the last N, forgets oldest first, counts evictions, aggregates everything', async (t) => {
  const store = new ExchangeStore(10)
  for (let i = 1; i <= 25; i++) store.add(exchange(i, '/a', i % 5 === 0 ? 401 : 200))
  t.equal(store.total, 25)
  t.equal(store.evicted, 15)
  t.same(store.list({ limit: 100 }).map((e) => e.id), ['25', '24', '23', '22', '21', '20', '19', '18', '17', '16'])
  t.equal(store.get('15'), undefined, 'evicted ids are gone')
  t.equal(store.get('16')?.id, '16')
  t.same(store.headers.get('authorization'), { arrived: 25, forwarded: 0, droppedHere: 25, onUnauthorized: 5 })
  t.same(Object.fromEntries(store.statuses), { 200: 20, 401: 5 })
  t.same(store.list({ status: 401 }).map((e) => e.id), ['25', '20'])
})

t.test('ids it issued are kept as numbers and found again; other ids as they are', async (t) => {
  const store = new ExchangeStore(10)
  const first = store.newId()
  t.match(first, /^[0-9a-f]{6}-1$/)
  const issued: string[] = []
  for (let i = 0; i < 40; i++) {
    const id = store.newId()
    issued.push(id)
    store.add({ ...exchange(0), id })
  }
  store.add(exchange(7)) // an id from elsewhere
  store.add({ ...exchange(0), id: first }) // issued by this store, but not the latest
  const last = issued[issued.length - 1] as string
  t.equal(store.get(last)?.id, last)
  t.equal(store.get(first)?.id, first)
  t.equal(store.get('7')?.id, '7')
  t.same(store.list({ limit: 3 }).map((e) => e.id), [first, '7', last])
  t.equal(store.get(issued[0] as string), undefined, 'evicted')
  const tag = last.slice(0, 6)
  for (const odd of [`${tag}-`, `${tag}-0`, `${tag}-00`, `${tag}-zz!`, `${tag}x1`, tag, '', `${tag}-${'z'.repeat(40)}`]) {
    t.equal(store.get(odd), undefined, `no exchange for ${JSON.stringify(odd)}`)
  }
  t.not(new ExchangeStore(1).newId(), first, 'each store tags its ids apart')
})

t.test('memory stays flat: a million exchanges keep the ring and route table bounded', async (t) => {
  const store = new ExchangeStore(100)
  for (let i = 0; i < 1_000_000; i++) store.add(exchange(i, `/r${i % 2000}/page`))
  t.equal(store.list({ limit: 1000 }).length, 100)
  t.equal(store.routes.size, MAX_ROUTES + 1, 'routes capped, the rest under (other)')
  t.ok(store.routes.has('GET (other)'))
  t.equal(store.evicted, 1_000_000 - 100)
})

t.test('routes fold ids, uuids, hashes and emails', async (t) => {
  const cases: Array<[string, string]> = [
    ['/users/42', '/users/:id'],
    ['/orders/3f1d2c3a-8b9c-4d5e-9f00-112233445566/items', '/orders/:id/items'],
    ['/blobs/0123456789abcdef0123', '/blobs/:id'],
    ['/reset/AbCdEf123456GhIjKl7890', '/reset/:id'],
    ['/people/jo@example.test', '/people/:id'],
    ['/api/v2/health', '/api/v2/health'],
    ['/', '/'],
    ['', '/']
  ]
  for (const [path, route] of cases) t.equal(routeOf(path), route, path)
})
