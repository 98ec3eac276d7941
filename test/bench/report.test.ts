// The bench's round-by-round lines (report.ts): hopwatch over bare in the same round.
import t from 'tap'
import { roundByRound } from './report.js'
import type { Sample } from './rounds.js'

const sample = (target: string, round: number, rps: number, p99Us: number): Sample => ({
  target, round, p99Us, rps, p50Us: 1, cpuUsPerReq: null, sent: 1, completed: 1, transportErrors: 0, statusErrors: 0,
  counted: null, upstreamReceived: 1, upstreamConnections: 0, foreignPct: 0, retries: 0
})

t.test('pairs each round\'s hopwatch with that round\'s bare', async (t) => {
  const samples = [
    sample('bare', 1, 1000, 10_000), sample('hopwatch', 1, 1100, 9_000),
    sample('hopwatch', 2, 900, 30_000), sample('bare', 2, 1000, 20_000),
    sample('bare', 3, 2000, 8_000), sample('hopwatch', 3, 2000, 8_400), sample('direct', 3, 9000, 1_000)
  ]
  t.equal(roundByRound(samples), [
    'req/s round by round (hopwatch / bare, same round): median 1.00x, from 0.90x to 1.10x; at least 1.0x in 2 of 3 rounds.',
    'p99 round by round (hopwatch / bare, same round): median 1.05x, from 0.90x to 1.50x; at most 1.1x in 2 of 3 rounds.'
  ].join('\n'))
})

t.test('nothing to pair: no line', async (t) => {
  t.equal(roundByRound([sample('bare', 1, 1000, 10_000)]), '')
  t.equal(roundByRound([]), '')
})
