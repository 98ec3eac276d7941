// The printed result: a markdown table per target, the ratios, and the target lines
// (PASS/FAIL, informational: the exit code only says whether the harness itself worked).
import type { Transfer } from './big.js'
import type { CountedResult } from './counted.js'
import type { ProfileSummary } from './profile.js'
import { MiB } from './procs.js'
import { median, type Sample, type TargetSummary } from './rounds.js'

export interface Ratios { rps: number; p99: number; cpu: number | null; auditCpuUs: number | null }
/** pass null: not measurable in this run (e.g. --quick counts fewer than 200k). */
export interface Check { name: string; pass: boolean | null; value: string; source: string }

const mib = (b: number | null): string => (b === null ? '-' : (b / MiB).toFixed(1))
const ms = (us: number): string => (us / 1000).toFixed(2)
const x = (v: number | null): string => (v === null || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`)

export function ratios (rows: TargetSummary[]): Ratios | null {
  const hop = rows.find((r) => r.target === 'hopwatch')
  const bare = rows.find((r) => r.target === 'bare')
  if (hop === undefined || bare === undefined) return null
  const cpu = hop.cpuUsPerReq !== null && bare.cpuUsPerReq !== null ? hop.cpuUsPerReq / bare.cpuUsPerReq : null
  const audit = hop.cpuUsPerReq !== null && bare.cpuUsPerReq !== null ? hop.cpuUsPerReq - bare.cpuUsPerReq : null
  return { rps: hop.rps / bare.rps, p99: hop.p99Us / bare.p99Us, cpu, auditCpuUs: audit }
}

export function targetTable (rows: TargetSummary[]): string {
  const head = '| target | req/s (median) | p50 ms | p99 ms | peak RSS MiB | CPU µs/req | rounds | sent | counted by hopwatch | transport errors | upstream conns opened | other load % (median/max) |'
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const lines = rows.map((r) => `| ${r.target} | ${r.rps.toFixed(0)} | ${ms(r.p50Us)} | ${ms(r.p99Us)} | ${mib(r.peakRssBytes)} | ${r.cpuUsPerReq === null ? '- (no proxy)' : r.cpuUsPerReq.toFixed(1)} | ${r.rounds} | ${r.sent} | ${r.counted ?? '-'} | ${r.transportErrors} | ${r.upstreamConnections} | ${r.foreignPct.median.toFixed(0)}/${r.foreignPct.max.toFixed(0)} |`)
  return [head, sep, ...lines].join('\n')
}

export function ratioTable (rows: TargetSummary[]): string {
  const bare = rows.find((r) => r.target === 'bare')
  if (bare === undefined) return ''
  const head = '| vs bare @fastify/http-proxy | req/s | p50 | p99 | CPU/req | CPU µs/req added |'
  const sep = '|---|---:|---:|---:|---:|---:|'
  const lines = rows.filter((r) => r.target !== 'bare').map((r) => {
    const cpu = r.cpuUsPerReq !== null && bare.cpuUsPerReq !== null
    return `| ${r.target} | ${x(r.rps / bare.rps)} | ${x(r.p50Us / bare.p50Us)} | ${x(r.p99Us / bare.p99Us)} | ${cpu ? x((r.cpuUsPerReq as number) / (bare.cpuUsPerReq as number)) : '-'} | ${cpu ? ((r.cpuUsPerReq as number) - (bare.cpuUsPerReq as number)).toFixed(1) : '-'} |`
  })
  return [head, sep, ...lines].join('\n')
}

/** hopwatch's value over bare's in the same round, for every round that has both. */
function pairs (samples: readonly Sample[], of: (s: Sample) => number): number[] {
  const byRound = new Map<number, { bare?: number; hop?: number }>()
  for (const s of samples) {
    const round = byRound.get(s.round) ?? {}
    if (s.target === 'bare') round.bare = of(s)
    if (s.target === 'hopwatch') round.hop = of(s)
    byRound.set(s.round, round)
  }
  const out: number[] = []
  for (const { bare, hop } of byRound.values()) if (bare !== undefined && hop !== undefined && bare > 0) out.push(hop / bare)
  return out
}

/**
 * req/s and p99, hopwatch over bare in the same round, round by round: the machine's speed
 * drifts between rounds (by a third on a shared 2-core machine), and this shows how far one
 * round's ratio is from the next. The checks use the ratio of the medians (ratioTable).
 */
export function roundByRound (samples: readonly Sample[]): string {
  const rps = pairs(samples, (s) => s.rps)
  const p99 = pairs(samples, (s) => s.p99Us)
  if (rps.length === 0) return ''
  const line = (what: string, list: number[], pass: (r: number) => boolean, bound: string): string =>
    `${what} round by round (hopwatch / bare, same round): median ${x(median(list))}, from ${x(Math.min(...list))} to ${x(Math.max(...list))}; ${bound} in ${list.filter(pass).length} of ${list.length} rounds.`
  return [line('req/s', rps, (r) => r >= 1.0, 'at least 1.0x'), line('p99', p99, (r) => r <= 1.1, 'at most 1.1x')].join('\n')
}

export function countedTable (runs: Array<{ label: string; run: CountedResult }>): string {
  const head = '| run | connections | sent | completed | counted by hopwatch | lost | upstream got | transport errors | unexpected statuses | req/s | RSS first segment MiB (median) | RSS last segment MiB (median) | RSS at end MiB | peak RSS MiB | RSS growth (medians) | CPU µs/req first → last segment |'
  const sep = '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|'
  const lines = runs.map(({ label, run }) => {
    const first = run.checkpoints[0]
    const last = run.checkpoints[run.checkpoints.length - 1]
    const errors = run.transportErrors.connect + run.transportErrors.read + run.transportErrors.write + run.transportErrors.timeout
    const unexpected = Object.entries(run.unexpectedStatuses).map(([k, v]) => `${k}:${v}`).join(' ') || 'none'
    return `| ${label} | ${run.connections} | ${run.sent} | ${run.completed} | ${run.counted} | ${run.lost} | ${run.upstreamReceived} | ${errors} | ${unexpected} | ${run.rps.toFixed(0)} | ${mib(first?.rssMedianBytes ?? null)} | ${mib(last?.rssMedianBytes ?? null)} | ${mib(last?.rssBytes ?? null)} | ${mib(last?.peakRssBytes ?? null)} | ${run.rssGrowthPct === null ? '-' : `${run.rssGrowthPct.toFixed(1)}%`} | ${first?.cpuUsPerReq?.toFixed(1) ?? '-'} → ${last?.cpuUsPerReq?.toFixed(1) ?? '-'} |`
  })
  return [head, sep, ...lines].join('\n')
}

export function bigTable (transfers: Transfer[]): string {
  const head = '| transfer | bytes | intact | seconds | MiB/s | RSS before MiB | RSS max MiB | growth MiB |'
  const sep = '|---|---:|---|---:|---:|---:|---:|---:|'
  return [head, sep, ...transfers.map((t) => `| ${t.direction} | ${t.bytes} | ${t.ok ? 'yes' : `NO (${t.detail})`} | ${t.seconds.toFixed(1)} | ${t.mibPerS.toFixed(0)} | ${mib(t.rssBeforeBytes)} | ${mib(t.rssMaxBytes)} | ${mib(t.rssGrowthBytes)} |`)].join('\n')
}

export function profileText (p: ProfileSummary): string {
  const lines = [`${p.target}: ${p.busyMs.toFixed(0)} ms on CPU (main thread, sampled) for ${p.requests} requests = ${p.busyUsPerReq.toFixed(1)} µs/req; profile ${p.file}`,
    '  self time by package/module:']
  for (const g of p.groups) lines.push(`    ${g.pct.toFixed(1).padStart(5)}%  ${g.selfMs.toFixed(0).padStart(6)} ms  ${g.name}`)
  lines.push('  top frames by self time:')
  for (const f of p.frames) lines.push(`    ${f.pct.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}`)
  return lines.join('\n')
}

export interface MixChecks { mix: 'users' | 'bench'; rows: TargetSummary[]; count: CountedResult | null }

export interface CheckInput {
  mixes: MixChecks[]
  soak: CountedResult | null
  big: Transfer[] | null
}

const peakOf = (rows: TargetSummary[], target: string): number | null => rows.find((row) => row.target === target)?.peakRssBytes ?? null

/** Issue 13's targets on the cardinality mix, as ratios from one run. */
function usersChecks (m: MixChecks, out: Check[]): void {
  const src = 'issue 13'
  const r = ratios(m.rows)
  if (r !== null) {
    out.push({ name: 'cardinality mix: hopwatch >= 1.0x bare req/s', pass: r.rps >= 1.0, value: x(r.rps), source: src })
    out.push({ name: 'cardinality mix: hopwatch p99 <= 1.1x bare', pass: r.p99 <= 1.1, value: x(r.p99), source: src })
    if (r.cpu !== null && r.auditCpuUs !== null) out.push({ name: 'cardinality mix: audit cost <= 15% of bare CPU/req', pass: r.cpu <= 1.15, value: `${((r.cpu - 1) * 100).toFixed(1)}% (${r.auditCpuUs.toFixed(1)} µs)`, source: src })
  }
  const hop = peakOf(m.rows, 'hopwatch')
  const bare = peakOf(m.rows, 'bare')
  if (hop !== null && bare !== null) out.push({ name: 'cardinality mix: peak RSS <= bare + 32 MiB (rounds)', pass: hop <= bare + 32 * MiB, value: `${mib(hop)} vs ${mib(bare)} MiB`, source: src })
  if (m.count !== null) {
    const c = m.count
    const long = c.completed >= 1_000_000
    out.push({ name: `cardinality mix: RSS growth < 10% from the first 100k to the last segment (${c.completed} requests)`, pass: c.rssGrowthPct === null ? null : long ? c.rssGrowthPct < 10 : null, value: c.rssGrowthPct === null ? '-' : `${c.rssGrowthPct.toFixed(1)}%${long ? '' : ' (fewer than 1M: not the target run)'}`, source: src })
    out.push({ name: 'cardinality mix counted run: zero lost exchanges', pass: c.lost === 0, value: `${c.counted}/${c.sent}`, source: src })
  }
}

/** The fixed mix's targets from issues 2, 6 and 13. */
function fixedChecks (m: MixChecks, out: Check[]): void {
  const r = ratios(m.rows)
  if (r !== null) {
    out.push({ name: 'fixed mix: hopwatch >= 1.0x bare req/s', pass: r.rps >= 1.0, value: x(r.rps), source: 'issues 6, 13' })
    out.push({ name: 'fixed mix: hopwatch p99 <= 1.2x bare', pass: r.p99 <= 1.2, value: x(r.p99), source: 'issue 2' })
    out.push({ name: 'fixed mix: hopwatch p99 <= bare p99', pass: r.p99 <= 1.0, value: x(r.p99), source: 'issue 6' })
    if (r.auditCpuUs !== null) out.push({ name: 'fixed mix: audit adds <= 10 µs CPU/req (hopwatch - bare)', pass: r.auditCpuUs <= 10, value: `${r.auditCpuUs.toFixed(1)} µs`, source: 'issue 6' })
  }
  if (m.count !== null) {
    const peak = m.count.checkpoints[m.count.checkpoints.length - 1]?.peakRssBytes ?? null
    out.push({ name: `fixed mix: peak RSS <= 150 MiB after ${m.count.completed} requests`, pass: m.count.completed < 200_000 ? null : peak !== null && peak <= 150 * MiB, value: `${mib(peak)} MiB${m.count.completed < 200_000 ? ' (fewer than 200k: not the target run)' : ''}`, source: 'issue 2' })
    out.push({ name: 'fixed mix counted run: zero lost exchanges', pass: m.count.lost === 0, value: `${m.count.counted}/${m.count.sent}`, source: 'issue 2' })
  }
}

export function checks (input: CheckInput): Check[] {
  const out: Check[] = []
  for (const m of input.mixes) {
    if (m.mix === 'users') usersChecks(m, out)
    else fixedChecks(m, out)
    const hop = m.rows.find((row) => row.target === 'hopwatch')
    if (hop?.counted != null) out.push({ name: `${m.mix === 'users' ? 'cardinality' : 'fixed'} mix rounds: every request sent through hopwatch counted`, pass: hop.counted === hop.sent, value: `${hop.counted}/${hop.sent}`, source: 'issue 2' })
  }
  if (input.soak !== null) {
    const s = input.soak
    const errors = s.transportErrors.connect + s.transportErrors.read + s.transportErrors.write + s.transportErrors.timeout + Object.values(s.unexpectedStatuses).reduce((a, v) => a + v, 0)
    out.push({ name: 'soak: zero errors', pass: errors === 0, value: String(errors), source: 'issue 6' })
    out.push({ name: 'soak: zero lost exchanges', pass: s.lost === 0, value: `${s.counted}/${s.sent}`, source: 'issue 6' })
    out.push({ name: `soak: RSS growth < 10% (segment medians, first ${s.checkpoints[0]?.completed ?? 0} requests vs the last segment)`, pass: s.rssGrowthPct === null ? null : s.rssGrowthPct < 10, value: s.rssGrowthPct === null ? '-' : `${s.rssGrowthPct.toFixed(1)}%`, source: 'issue 6' })
  }
  for (const t of input.big ?? []) {
    out.push({ name: `big ${t.direction}: intact, RSS growth < 64 MiB`, pass: t.ok && t.rssGrowthBytes < 64 * MiB, value: `${t.ok ? 'intact' : 'BROKEN'}, +${mib(t.rssGrowthBytes)} MiB`, source: 'issue 6' })
  }
  return out
}

export function checkLines (list: Check[]): string {
  return list.map((c) => `${c.pass === null ? 'n/a ' : c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value}  (${c.source})`).join('\n')
}
