// The LRU behind the fingerprint cache, the fold-segment memo and the shape memo: bounded in
// entries and in weight, and what is used survives a flood of new keys.
import t from 'tap'
import { Lru } from '../../src/capture/lru.js'

t.test('never holds more than its entries, however many keys pass', async (t) => {
  const lru = new Lru<string, number>(100)
  for (let i = 0; i < 10_000; i++) {
    lru.set(`k${i}`, i)
    if (lru.size > 100) { t.fail(`size ${lru.size} after ${i + 1} keys`); break }
  }
  t.ok(lru.size >= 50, `keeps at least half its bound (${lru.size})`)
  t.equal(lru.get('k9999'), 9999, 'the newest is held')
  t.equal(lru.get('k0'), undefined, 'the oldest is forgotten')
})

t.test('never holds more than its weight; an entry heavier than half of it is not kept', async (t) => {
  const lru = new Lru<string, number>(1_000_000, 1000, (value) => value === -1 ? 600 : 30)
  let held = 0
  for (let i = 0; i < 5000; i++) lru.set(`k${i}`, i)
  for (let i = 0; i < 5000; i++) if (lru.get(`k${i}`) !== undefined) held++
  t.ok(held * 30 <= 1000, `${held} entries of weight 30 held under a bound of 1000`)
  t.ok(held > 0)
  lru.set('huge', -1)
  t.equal(lru.get('huge'), undefined)
})

t.test('an entry used all along survives a flood of new keys', async (t) => {
  const lru = new Lru<string, string>(64)
  lru.set('hot', 'kept')
  for (let i = 0; i < 10_000; i++) {
    lru.set(`cold${i}`, 'x')
    if (i % 16 === 0 && lru.get('hot') !== 'kept') { t.fail(`hot entry lost after ${i} new keys`); return }
  }
  t.equal(lru.get('hot'), 'kept')
  lru.clear()
  t.equal(lru.size, 0)
  t.equal(lru.get('hot'), undefined)
})
