// Counted runs through a fresh hopwatch: N requests in segments, with RSS and the report's
// counters read after each segment. Used for the 200k memory check and the 1M soak.
import { cpuMicros, peakRssBytes, rssBytes, rssSampler } from './procs.js'
import { median, settledTotals } from './rounds.js'
import type { Target, Upstream } from './targets.js'
import { runWrk } from './wrk.js'
import type { Mix } from './shapes.js'

export interface Checkpoint {
  /** Responses completed so far. */
  completed: number
  sent: number
  exchanges: number
  evicted: number
  rssBytes: number | null
  /** Median of the RSS samples (every 100 ms) taken during the segment: steadier than one reading, which lands anywhere in the GC sawtooth. */
  rssMedianBytes: number | null
  peakRssBytes: number | null
  seconds: number
  /** hopwatch's CPU per response in this segment, microseconds (should stay flat). */
  cpuUsPerReq: number | null
}

export interface CountedResult {
  mix: Mix
  connections: number
  requested: number
  sent: number
  completed: number
  /** Exchanges hopwatch counted (report totals delta). */
  counted: number
  /** Requests that reached the upstream. */
  upstreamReceived: number
  /** sent - counted: exchanges hopwatch did not count. */
  lost: number
  transportErrors: { connect: number; read: number; write: number; timeout: number }
  statuses: Record<string, number>
  /** Statuses outside what the upstream answers for the mix (e.g. 502/504 from the proxy). */
  unexpectedStatuses: Record<string, number>
  checkpoints: Checkpoint[]
  /** Growth of the segment-median RSS from the first segment to the last, in percent. */
  rssGrowthPct: number | null
  rps: number
  seconds: number
}

const EXPECTED = new Set(['200', '204', '302', '401', '403', '404', '500'])

export async function countedRun (target: Target, upstream: Upstream, options: { mix: Mix; total: number; segment: number; connections: number; threads: number }, log: (line: string) => void): Promise<CountedResult> {
  if (target.totals === undefined || target.pid === null) throw new Error('counted runs need hopwatch (report totals and a PID)')
  const pid = target.pid
  const start = await target.totals()
  const upStart = await upstream.count()
  const statuses: Record<string, number> = {}
  const errors = { connect: 0, read: 0, write: 0, timeout: 0 }
  const checkpoints: Checkpoint[] = []
  let sent = 0
  let completed = 0
  let seconds = 0
  const segments = Math.ceil(options.total / options.segment)
  for (let i = 0; i < segments; i++) {
    const quota = Math.min(options.segment, options.total - completed)
    if (quota <= 0) break
    const sampler = rssSampler(pid, 100)
    const cpuBefore = cpuMicros(pid)
    // Bounded: generous time for the quota even at 1k req/s, never open-ended.
    const wrk = await runWrk({ url: target.url, host: target.host, mix: options.mix, connections: options.connections, threads: options.threads, seconds: Math.max(60, Math.ceil(quota / 1000)), quota })
    const { samples: rssSamples } = sampler.stop()
    const cpuAfter = cpuMicros(pid)
    sent += wrk.sent
    completed += wrk.completed
    seconds += wrk.durationS
    for (const [k, v] of Object.entries(wrk.statuses ?? {})) statuses[k] = (statuses[k] ?? 0) + v
    errors.connect += wrk.errors.connect; errors.read += wrk.errors.read; errors.write += wrk.errors.write; errors.timeout += wrk.errors.timeout
    const totals = await settledTotals(target, start.exchanges + sent)
    const point: Checkpoint = {
      completed,
      sent,
      exchanges: (totals?.exchanges ?? NaN) - start.exchanges,
      evicted: totals?.evicted ?? NaN,
      rssBytes: rssBytes(pid),
      rssMedianBytes: rssSamples.length === 0 ? null : median(rssSamples),
      peakRssBytes: peakRssBytes(pid),
      seconds,
      cpuUsPerReq: cpuBefore !== null && cpuAfter !== null && wrk.completed > 0 ? (cpuAfter - cpuBefore) / wrk.completed : null
    }
    checkpoints.push(point)
    log(`  ${options.mix} ${completed.toLocaleString('en')} done (${(wrk.rps).toFixed(0)} req/s, ${point.cpuUsPerReq?.toFixed(1) ?? '-'} µs CPU/req): counted ${point.exchanges}/${sent} sent, RSS ${((point.rssBytes ?? 0) / 1048576).toFixed(1)} MiB (segment median ${((point.rssMedianBytes ?? 0) / 1048576).toFixed(1)}), peak ${((point.peakRssBytes ?? 0) / 1048576).toFixed(1)} MiB`)
  }
  const last = checkpoints[checkpoints.length - 1]
  const first = checkpoints[0]
  const upstreamReceived = (await upstream.count()) - upStart
  const unexpectedStatuses = Object.fromEntries(Object.entries(statuses).filter(([k]) => !EXPECTED.has(k)))
  const growth = checkpoints.length >= 2 && first?.rssMedianBytes != null && last?.rssMedianBytes != null && first.rssMedianBytes > 0
    ? ((last.rssMedianBytes - first.rssMedianBytes) / first.rssMedianBytes) * 100
    : null
  return {
    mix: options.mix,
    connections: options.connections,
    requested: options.total,
    sent,
    completed,
    counted: last?.exchanges ?? 0,
    upstreamReceived,
    lost: sent - (last?.exchanges ?? 0),
    transportErrors: errors,
    statuses,
    unexpectedStatuses,
    checkpoints,
    rssGrowthPct: growth,
    rps: seconds > 0 ? completed / seconds : 0,
    seconds
  }
}
