// The bench's round-by-round p99 line (report.ts): hopwatch over bare in the same round.
import t from 'tap'
import { pairedP99 } from './report.js'
import type { Sample } from './rounds.js'

const sample = (target: string, round: number, p99Us: number): Sample => ({
  target, round, p99Us, rps: 1, p50Us: 1, cpuUsPerReq: null, sent: 1, completed: 1, transportErrors: 0, statusErrors: 0,
  counted: null, upstreamReceived: 1, upstreamConnections: 0, foreignPct: 0, retries: 0
})

t.test('pairs each round\'s hopwatch with that round\'s bare', async (t) => {
  const samples = [
    sample('bare', 1, 10_000), sample('hopwatch', 1, 9_000),
    sample('hopwatch', 2, 30_000), sample('bare', 2, 20_000),
    sample('bare', 3, 8_000), sample('hopwatch', 3, 8_400), sample('direct', 3, 1_000)
  ]
  t.equal(pairedP99(samples), 'p99 round by round (hopwatch / bare, same round): median 1.05x, from 0.90x to 1.50x; at most 1.1x in 2 of 3 rounds.')
})

t.test('nothing to pair: no line', async (t) => {
  t.equal(pairedP99([sample('bare', 1, 10_000)]), '')
  t.equal(pairedP99([]), '')
})
