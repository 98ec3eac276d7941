// An exchange of a known shape is kept with its credential stages as fingerprints only, in its
// shape's layout (src/store/stage-values.ts): what the store gives back must be the exchange as
// recorded, whatever the layout, and whatever its slot held before.
import t from 'tap'
import { ExchangeStore } from '../../src/store/store.js'
import { ofShape } from '../../src/capture/exchange.js'
import { Shape } from '../../src/capture/shape.js'
import type { Exchange, Fingerprint, SeenHeader } from '../../src/capture/types.js'

const SHAPE = { doubleSpace: false, leadingOrTrailingSpace: false, quoted: false, controlChars: false, emptyToken: false, joined: false }

function fp (hash: string): Fingerprint {
  return { scheme: 'Bearer', length: 40, hash, shape: { ...SHAPE } }
}

function stage (lines: Array<[string, Fingerprint[]]>, lower = false): SeenHeader[] {
  return lines.map(([name, values]) => ({ key: name.toLowerCase(), name: lower ? name.toLowerCase() : name, lines: values.length, validName: true, values }))
}

/** The first exchange of a shape, with its shape. */
function base (): Exchange {
  const a = fp('aaaaaaaaaaaaaaaa')
  const c = fp('cccccccccccccccc')
  const first: Exchange = {
    id: 'base', startedAt: 1, durationMs: 1, method: 'GET', path: '/orders/:id', queryKeys: [], route: '/orders/:id',
    httpVersion: '1.1', protocol: 'http/1.1', tls: false, websocket: false, headerNames: ['Host', 'Authorization', 'Cookie'], context: {},
    arrived: stage([['Authorization', [a]], ['Cookie', [c]]]),
    forwarded: stage([['Authorization', [a]], ['Cookie', [c]]], true),
    droppedHere: [], dropReasons: {},
    response: { status: 200, source: 'upstream', wwwAuthenticate: [], proxyAuthenticate: [], setCookies: [], location: null, date: null, retryAfter: null },
    clientStatus: 200, error: null, aborted: false
  }
  first.shape = new Shape('GET /orders/:id', first)
  return first
}

function of (shape: Exchange, id: string, arrived: SeenHeader[], forwarded: SeenHeader[] | null): Exchange {
  return ofShape(shape.shape as Shape, { id, startedAt: 2, durationMs: 3, path: shape.path, context: shape.context, arrived, forwarded, response: shape.response, clientStatus: 200, aborted: false, pairId: undefined })
}

t.test('stages of the shape\'s layout, other users\' fingerprints: given back as recorded', async (t) => {
  const shape = base()
  const store = new ExchangeStore(4)
  store.add(shape)
  const b = fp('bbbbbbbbbbbbbbbb')
  const d = fp('dddddddddddddddd')
  const same = of(shape, 'same', stage([['Authorization', [b]], ['Cookie', [d]]]), stage([['Authorization', [b]], ['Cookie', [d]]], true))
  store.add(same)
  t.same(store.get('same'), same, 'the same fingerprints left as arrived')
  const e = fp('eeeeeeeeeeeeeeee')
  const changed = of(shape, 'changed', stage([['Authorization', [b]], ['Cookie', [d]]]), stage([['Authorization', [e]], ['Cookie', [d]]], true))
  store.add(changed)
  t.same(store.get('changed'), changed, 'another fingerprint left than arrived')
  const got = store.get('changed')
  t.equal(got?.arrived[0]?.values[0], b, 'the very fingerprint objects, not copies')
  t.equal(got?.forwarded?.[0]?.values[0], e)
})

t.test('stages of another layout are kept whole', async (t) => {
  const shape = base()
  const store = new ExchangeStore(8)
  store.add(shape)
  const b = fp('bbbbbbbbbbbbbbbb')
  const twoLines = of(shape, 'two-lines', stage([['Authorization', [b, b]], ['Cookie', [b]]]), stage([['Authorization', [b, b]], ['Cookie', [b]]], true))
  const dropped = of(shape, 'dropped', stage([['Authorization', [b]], ['Cookie', [b]]]), stage([['Cookie', [b]]], true))
  const nothingSent = of(shape, 'nothing-sent', stage([['Authorization', [b]], ['Cookie', [b]]]), null)
  const otherCase = of(shape, 'other-case', stage([['AUTHORIZATION', [b]], ['Cookie', [b]]]), shape.forwarded)
  for (const ex of [twoLines, dropped, nothingSent, otherCase]) store.add(ex)
  for (const ex of [twoLines, dropped, nothingSent, otherCase]) t.same(store.get(ex.id), ex, ex.id)
})

t.test('a slot reused by an exchange kept another way gives the new one back', async (t) => {
  const shape = base()
  const store = new ExchangeStore(2)
  const b = fp('bbbbbbbbbbbbbbbb')
  const flat = (id: string): Exchange => of(shape, id, stage([['Authorization', [b]], ['Cookie', [b]]]), stage([['Authorization', [b]], ['Cookie', [b]]], true))
  const whole = (id: string): Exchange => of(shape, id, stage([['Authorization', [b, b]]]), null)
  const sequence = [flat('1'), whole('2'), whole('3'), flat('4'), flat('5'), { ...shape, id: '6', shape: undefined }, flat('7'), whole('8')]
  for (let i = 0; i < sequence.length; i++) {
    const ex = sequence[i] as Exchange
    store.add(ex)
    t.same(store.list({ limit: 2 }), sequence.slice(Math.max(0, i - 1), i + 1).reverse(), `after ${ex.id}`)
  }
})
