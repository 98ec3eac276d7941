// Interleaved timed rounds: every round runs each target once (bare and hopwatch swap order
// every round so drift hits both alike) and records req/s, latency and the proxy's CPU time.
import { setTimeout as sleep } from 'node:timers/promises'
import { cpuMicros, peakRssBytes, systemCpu } from './procs.js'
import type { Target, Totals, Upstream } from './targets.js'
import { runWrk, type WrkResult } from './wrk.js'
import type { Mix } from './shapes.js'

export interface LoadShape { connections: number; threads: number; seconds: number; mix: Mix }

export interface Sample {
  target: string
  round: number
  rps: number
  p50Us: number
  p99Us: number
  /** CPU of the proxy process per completed request, microseconds (null for direct). */
  cpuUsPerReq: number | null
  sent: number
  completed: number
  transportErrors: number
  statusErrors: number
  /** hopwatch only: exchanges counted by its report during this run. */
  counted: number | null
  /** Requests the upstream received during this run. */
  upstreamReceived: number
  /** TCP connections the upstream accepted during this run (a proxy that reuses its pool opens none). */
  upstreamConnections: number
  /** CPU used by processes other than the ones measured (target, upstream, wrk, this runner), % of the machine. */
  foreignPct: number
  /** Runs thrown away before this one because other processes loaded the machine. */
  retries: number
}

export interface TargetSummary {
  target: string
  rounds: number
  rps: number
  p50Us: number
  p99Us: number
  cpuUsPerReq: number | null
  peakRssBytes: number | null
  sent: number
  completed: number
  counted: number | null
  transportErrors: number
  /** Median and max of foreignPct over the rounds. */
  foreignPct: { median: number; max: number }
  upstreamConnections: number
}

export function median (values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Wait until hopwatch's exchange count stops moving (aborted requests land a moment late). */
export async function settledTotals (target: Target, expected: number, tries = 25): Promise<Totals | null> {
  if (target.totals === undefined) return null
  let last = await target.totals()
  for (let i = 0; i < tries && last.exchanges < expected; i++) {
    await sleep(200)
    const now = await target.totals()
    if (now.exchanges === last.exchanges && i > 4) { last = now; break }
    last = now
  }
  return last
}

/** One wrk run against a target with CPU and exchange accounting around it. */
export async function measuredRun (target: Target, upstream: Upstream, load: LoadShape, round: number): Promise<{ sample: Sample; wrk: WrkResult }> {
  const before = target.totals === undefined ? null : await target.totals()
  const upBefore = await upstream.counters()
  const cpuBefore = target.pid === null ? null : cpuMicros(target.pid)
  const upCpuBefore = cpuMicros(upstream.pid) ?? 0
  const sysBefore = systemCpu()
  const selfBefore = process.cpuUsage()
  const wrk = await runWrk({ url: target.url, host: target.host, mix: load.mix, connections: load.connections, threads: load.threads, seconds: load.seconds, quota: 0 })
  const self = process.cpuUsage(selfBefore)
  const sysAfter = systemCpu()
  const upCpu = (cpuMicros(upstream.pid) ?? 0) - upCpuBefore
  const cpuAfter = target.pid === null ? null : cpuMicros(target.pid)
  const after = before === null ? null : await settledTotals(target, before.exchanges + wrk.sent)
  await sleep(100)
  const upAfter = await upstream.counters()
  const cpu = cpuBefore !== null && cpuAfter !== null && wrk.completed > 0 ? (cpuAfter - cpuBefore) / wrk.completed : null
  const ours = (cpuAfter ?? 0) - (cpuBefore ?? 0) + upCpu + wrk.wrkCpuUs + self.user + self.system
  const sysTotal = sysAfter.totalUs - sysBefore.totalUs
  const foreignPct = sysTotal > 0 ? Math.max(0, ((sysAfter.busyUs - sysBefore.busyUs - ours) / sysTotal) * 100) : 0
  const e = wrk.errors
  return {
    wrk,
    sample: {
      target: target.name,
      round,
      rps: wrk.rps,
      p50Us: wrk.latencyUs.p50,
      p99Us: wrk.latencyUs.p99,
      cpuUsPerReq: cpu,
      sent: wrk.sent,
      completed: wrk.completed,
      transportErrors: e.connect + e.read + e.write + e.timeout,
      statusErrors: e.status,
      counted: before !== null && after !== null ? after.exchanges - before.exchanges : null,
      upstreamReceived: upAfter.requests - upBefore.requests,
      upstreamConnections: upAfter.connections - upBefore.connections,
      foreignPct,
      retries: 0
    }
  }
}

/** Round order: direct first, then bare/hopwatch alternating which goes first, then the rest. */
export function roundOrder (targets: Target[], round: number): Target[] {
  const direct = targets.filter((t) => t.name === 'direct')
  const pair = targets.filter((t) => t.name === 'bare' || t.name === 'hopwatch')
  const rest = targets.filter((t) => t.name !== 'direct' && t.name !== 'bare' && t.name !== 'hopwatch')
  if (round % 2 === 1) pair.reverse()
  return [...direct, ...pair, ...rest]
}

/**
 * Run the rounds. A run during which other processes used more than maxForeignPct of the
 * machine is repeated (at most `retries` times; the quietest attempt is kept).
 */
export async function runRounds (targets: Target[], upstream: Upstream, load: LoadShape, rounds: number, log: (line: string) => void, maxForeignPct = 15, retries = 2): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let round = 0; round < rounds; round++) {
    for (const target of roundOrder(targets, round)) {
      let best: Sample | null = null
      for (let attempt = 0; attempt <= retries; attempt++) {
        const { sample } = await measuredRun(target, upstream, load, round + 1)
        sample.retries = attempt
        if (best === null || sample.foreignPct < best.foreignPct) best = sample
        if (sample.foreignPct <= maxForeignPct) break
        log(`    (other processes used ${sample.foreignPct.toFixed(0)}% of the machine during this run${attempt < retries ? ': running it again' : ''})`)
      }
      const sample = best as Sample
      samples.push(sample)
      const lost = sample.counted === null ? '' : ` counted=${sample.counted}/${sample.sent}`
      log(`  round ${round + 1}/${rounds} ${target.name.padEnd(9)} ${sample.rps.toFixed(0).padStart(7)} req/s  p50 ${(sample.p50Us / 1000).toFixed(2)} ms  p99 ${(sample.p99Us / 1000).toFixed(2)} ms  cpu ${sample.cpuUsPerReq?.toFixed(1) ?? '-'} us/req  other load ${sample.foreignPct.toFixed(0)}%  upstream conns +${sample.upstreamConnections}${lost}`)
    }
  }
  return samples
}

export function summarize (targets: Target[], samples: Sample[]): TargetSummary[] {
  return targets.map((target) => {
    const mine = samples.filter((s) => s.target === target.name)
    const cpu = mine.map((s) => s.cpuUsPerReq).filter((v): v is number => v !== null)
    const counted = mine.map((s) => s.counted).filter((v): v is number => v !== null)
    return {
      target: target.name,
      rounds: mine.length,
      rps: median(mine.map((s) => s.rps)),
      p50Us: median(mine.map((s) => s.p50Us)),
      p99Us: median(mine.map((s) => s.p99Us)),
      cpuUsPerReq: cpu.length === 0 ? null : median(cpu),
      peakRssBytes: target.pid === null ? null : peakRssBytes(target.pid),
      sent: mine.reduce((a, s) => a + s.sent, 0),
      completed: mine.reduce((a, s) => a + s.completed, 0),
      counted: counted.length === 0 ? null : counted.reduce((a, v) => a + v, 0),
      transportErrors: mine.reduce((a, s) => a + s.transportErrors, 0),
      foreignPct: { median: median(mine.map((s) => s.foreignPct)), max: Math.max(0, ...mine.map((s) => s.foreignPct)) },
      upstreamConnections: mine.reduce((a, s) => a + s.upstreamConnections, 0)
    }
  })
}
