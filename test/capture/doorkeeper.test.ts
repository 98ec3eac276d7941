// The doorkeeper (src/capture/doorkeeper.ts) lets a keyed hash in on its second sighting, and
// forgets its marks after a window of them.
import t from 'tap'
import { createHash } from 'node:crypto'
import { Doorkeeper } from '../../src/capture/doorkeeper.js'

const hexOf = (i: number): string => createHash('sha256').update(`value-${i}`).digest('hex').slice(0, 16)

t.test('turned away the first time, let in the second', async (t) => {
  const door = new Doorkeeper()
  t.equal(door.seenBefore(hexOf(1)), false)
  t.equal(door.seenBefore(hexOf(1)), true)
  t.equal(door.seenBefore(hexOf(1)), true, 'and after')
  t.equal(door.seenBefore(hexOf(2)), false, 'another hash: its own first time')
  t.equal(door.seenBefore(hexOf(1).toUpperCase()), true, 'hex digits read in either case')
})

t.test('one-off hashes: few let in early', async (t) => {
  const door = new Doorkeeper()
  let early = 0
  for (let i = 0; i < 10_000; i++) if (door.seenBefore(hexOf(i))) early++
  t.ok(early < 600, `10,000 one-off hashes, ${early} taken for seen (at most one slot in eight is marked)`)
})

t.test('the marks are wiped after the window', async (t) => {
  const door = new Doorkeeper(10)
  const seen: boolean[] = []
  for (let i = 0; i < 10; i++) seen.push(door.seenBefore(hexOf(i)))
  t.same(seen, Array(10).fill(false), 'ten first sightings, ten marks: the window is full')
  t.equal(door.seenBefore(hexOf(3)), false, 'so a hash seen before the wipe starts again')
  t.equal(door.seenBefore(hexOf(3)), true, 'and is let in on its next sighting')
})

t.test('any text: no throw, a plain answer', async (t) => {
  const door = new Doorkeeper()
  for (const odd of ['', 'zz', 'xyz!@#$%^&*', '\u0000\u0001']) t.type(door.seenBefore(odd), 'boolean')
})

t.test('a hash seen again after 100,000 others is let in, with the default window (131,072)', async (t) => {
  const door = new Doorkeeper()
  t.equal(door.seenBefore(hexOf(-1)), false)
  for (let i = 0; i < 100_000; i++) door.seenBefore(hexOf(i))
  t.equal(door.seenBefore(hexOf(-1)), true)
})

t.test('a window of 4,096: a hash seen again after 10,000 others starts again', async (t) => {
  const door = new Doorkeeper(4096)
  t.equal(door.seenBefore(hexOf(-1)), false)
  for (let i = 0; i < 10_000; i++) door.seenBefore(hexOf(i))
  t.equal(door.seenBefore(hexOf(-1)), false)
  t.equal(door.seenBefore(hexOf(-1)), true, 'and is let in on its next sighting')
})
