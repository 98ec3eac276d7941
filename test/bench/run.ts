// `npm run bench`: hopwatch serve vs bare @fastify/http-proxy vs direct (and mitmproxy when
// installed), interleaved rounds on loopback, a counted 200k run for memory, and optionally
// the soak, the 1 GiB transfers and CPU profiles. Every child is stopped by its PID.
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs, USAGE, type BenchOptions } from './args.js'
import { bigTransfers, type Transfer } from './big.js'
import { countedRun, type CountedResult } from './counted.js'
import { killAllSync, stopAll, stopChild } from './procs.js'
import { profileTarget, type ProfileSummary } from './profile.js'
import { bigTable, checkLines, checks, countedTable, roundByRound, profileText, ratios, ratioTable, targetTable } from './report.js'
import { runRounds, summarize, type Sample, type TargetSummary } from './rounds.js'
import { directTarget, findMitmdump, startBare, startHopwatch, startMitmproxy, startUpstream, type Target, type Upstream } from './targets.js'
import { findWrk, runWrk, setUserCount } from './wrk.js'
import { GRPC_DEFAULTS, grpcBench, grpcTable } from './grpc.js'
import { h2Bench } from './h2.js'
import { findH2load } from './h2load.js'

const log = (line: string): void => { console.log(line) }

async function lintBench (): Promise<{ files: number; ms: number } | null> {
  const path = fileURLToPath(new URL('./lint.js', import.meta.url))
  if (!existsSync(path)) return null
  const mod: unknown = await import(pathToFileURL(path).href)
  const fn = (mod as { benchLint?: unknown }).benchLint
  if (typeof fn !== 'function') { log('  test/bench/lint.js has no benchLint export; skipped'); return null }
  const result: unknown = await (fn as () => Promise<unknown>)()
  const r = result as { files?: unknown; ms?: unknown }
  return typeof r.files === 'number' && typeof r.ms === 'number' ? { files: r.files, ms: r.ms } : null
}

/** The commit measured (and whether src/ had uncommitted changes when dist/ was built). */
function measuredCommit (): string {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const head = spawnSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' })
  if (head.status !== 0 || typeof head.stdout !== 'string') return 'unknown (not a git checkout)'
  const dirty = spawnSync('git', ['-C', root, 'status', '--porcelain', '--', 'src'], { encoding: 'utf8' })
  return `${head.stdout.trim()}${typeof dirty.stdout === 'string' && dirty.stdout.trim() !== '' ? ' + uncommitted changes in src/' : ''}`
}

async function startTargets (upstream: Upstream, o: BenchOptions): Promise<{ targets: Target[]; mitm: string }> {
  const targets: Target[] = [directTarget(upstream), await startBare(upstream), await startHopwatch(upstream, { nodeArgs: o.hopwatchNodeArgs })]
  const mitmdump = o.mitm ? findMitmdump() : null
  let mitm = 'skipped: mitmdump not on PATH (apt-get install mitmproxy to include it)'
  if (!o.mitm) mitm = 'skipped: --no-mitm'
  if (mitmdump !== null) {
    try {
      targets.push(await startMitmproxy(mitmdump, upstream))
      mitm = `included (${mitmdump}, reverse mode)`
    } catch (err) { mitm = `skipped: ${(err as Error).message}` }
  }
  return { targets, mitm }
}

const MIX_LABEL = { users: 'cardinality mix', bench: 'fixed mix' } as const

interface TimedMix { mix: 'users' | 'bench'; rows: TargetSummary[]; samples: Sample[] }

/** Fresh targets for one mix: warm-up, interleaved rounds, summaries (peak RSS read before they stop). */
async function timedMix (mix: 'users' | 'bench', upstream: Upstream, o: BenchOptions): Promise<TimedMix & { mitm: string }> {
  const load = { connections: o.connections, threads: o.threads, seconds: o.seconds, mix }
  log(`\n${MIX_LABEL[mix]}${mix === 'users' ? ` (${o.users.toLocaleString('en')} users, each their own JWT, session cookie and API key)` : ''}:`)
  const { targets, mitm } = await startTargets(upstream, o)
  log(`mitmproxy: ${mitm}`)
  for (const t of targets) log(`  ${t.name.padEnd(9)} ${t.url}${t.pid === null ? '' : ` pid ${t.pid}`}`)
  log(`warm-up: ${o.warmup} s per target`)
  for (const t of targets) if (o.warmup > 0) await runWrk({ url: t.url, host: t.host, mix, connections: o.connections, threads: o.threads, seconds: o.warmup, quota: 0 })
  log('rounds:')
  const samples = await runRounds(targets, upstream, load, mix === 'users' ? o.roundsUsers : o.rounds, log, o.maxForeignPct)
  const rows = summarize(targets, samples)
  for (const t of targets) if (t.child !== null) await stopChild(t.child)
  return { mix, rows, samples, mitm }
}

async function counted (mix: 'users' | 'bench', total: number, upstream: Upstream, o: BenchOptions): Promise<CountedResult> {
  log(`counted run, ${MIX_LABEL[mix]}: ${total.toLocaleString('en')} requests through a fresh hopwatch at ${o.connections} connections`)
  const fresh = await startHopwatch(upstream, { nodeArgs: o.hopwatchNodeArgs })
  const run = await countedRun(fresh, upstream, { mix, total, segment: 100_000, connections: o.connections, threads: o.threads }, log)
  if (fresh.child !== null) await stopChild(fresh.child)
  return run
}

async function bench (o: BenchOptions): Promise<Record<string, unknown>> {
  log(`hopwatch bench: interleaved rounds of ${o.seconds} s per target (cardinality mix ${o.roundsUsers}, fixed mix ${o.rounds}), ${o.connections} connections, wrk -t${o.threads}, ${cpus().length} CPUs, node ${process.version}${o.hopwatchNodeArgs.length > 0 ? `, hopwatch with ${o.hopwatchNodeArgs.join(' ')}` : ''}`)
  const startLoad = loadavg().map((v) => v.toFixed(1)).join(' ')
  const commit = measuredCommit()
  log(`hopwatch commit: ${commit}`)
  setUserCount(o.users)
  const upstream = await startUpstream()
  const timed: TimedMix[] = []
  let mitm = ''
  for (const mix of o.mixes) {
    const result = await timedMix(mix, upstream, o)
    mitm = result.mitm
    timed.push(result)
  }
  const countedRuns: Array<{ mix: 'users' | 'bench'; run: CountedResult }> = []
  if (o.mixes.includes('users')) countedRuns.push({ mix: 'users', run: await counted('users', o.count, upstream, o) })
  if (o.mixes.includes('bench') && o.countFixed > 0) countedRuns.push({ mix: 'bench', run: await counted('bench', o.countFixed, upstream, o) })
  const load = { connections: o.connections, threads: o.threads, seconds: o.seconds, mix: o.mixes[0] ?? 'users' }

  let soak: CountedResult | null = null
  if (o.soak) {
    const total = o.soakTotal
    log(`soak: ${total.toLocaleString('en')} requests at ${o.soakConnections} connections, every shape and status, fresh hopwatch`)
    const target = await startHopwatch(upstream, { nodeArgs: o.hopwatchNodeArgs })
    soak = await countedRun(target, upstream, { mix: 'soak', total, segment: Math.min(100_000, total), connections: o.soakConnections, threads: o.threads }, log)
    if (target.child !== null) await stopChild(target.child)
  }

  let big: Transfer[] | null = null
  if (o.big) {
    const bytes = o.bigBytes
    log(`big: ${(bytes / 1048576).toFixed(0)} MiB up and down through a fresh hopwatch`)
    const target = await startHopwatch(upstream, { nodeArgs: o.hopwatchNodeArgs })
    big = await bigTransfers(target, bytes, log)
    if (target.child !== null) await stopChild(target.child)
  }

  const profiles: ProfileSummary[] = []
  if (o.profile) {
    log(`profile: node --cpu-prof, ${o.seconds} s of load each`)
    for (const which of ['hopwatch', 'bare'] as const) profiles.push(await profileTarget(which, upstream, load, log))
  }
  await stopChild(upstream.child)

  const lint = await lintBench().catch((err: unknown) => { log(`  lint bench failed: ${(err as Error).message}`); return null })

  const list = checks({ mixes: timed.map((t) => ({ mix: t.mix, rows: t.rows, count: countedRuns.find((c) => c.mix === t.mix)?.run ?? null })), soak, big })
  for (const t of timed) {
    log(`\n## ${MIX_LABEL[t.mix]}: throughput and latency (median over rounds)\n`)
    log(targetTable(t.rows))
    const other = Math.max(0, ...t.rows.map((r) => r.foreignPct.max))
    log(`\nOther processes on this machine used up to ${other.toFixed(0)}% of its CPU during the kept runs (load average at start ${startLoad}).${other > o.maxForeignPct ? ' The ratios are less trustworthy than on a quiet machine.' : ''}`)
    log(`\n## ${MIX_LABEL[t.mix]}: ratios\n`)
    log(ratioTable(t.rows))
    const paired = roundByRound(t.samples)
    if (paired !== '') log(`\n${paired}`)
  }
  log('\n## Counted runs (fresh hopwatch each)\n')
  log(countedTable([...countedRuns.map((c) => ({ label: MIX_LABEL[c.mix], run: c.run })), ...(soak === null ? [] : [{ label: 'soak mix', run: soak }])]))
  if (big !== null) { log('\n## 1 GiB transfers through hopwatch\n'); log(bigTable(big)) }
  for (const p of profiles) { log(`\n## CPU profile (${MIX_LABEL[load.mix]})\n`); log(profileText(p)) }
  if (lint !== null) log(`\nlint bench: ${lint.files} files in ${lint.ms.toFixed(0)} ms`)
  log(`\nmitmproxy: ${mitm}`)
  log('\n## Targets (informational)\n')
  log(checkLines(list))
  return { startedAt: new Date().toISOString(), commit, machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAtStart: startLoad }, options: o, mitmproxy: mitm, mixes: timed.map((t) => ({ mix: t.mix, samples: t.samples, summary: t.rows, ratios: ratios(t.rows) })), counted: countedRuns, soak, big, profiles, lint, checks: list }
}

async function main (): Promise<number> {
  let o: BenchOptions
  try { o = parseArgs(process.argv.slice(2)) } catch (err) { console.error(`bench: ${(err as Error).message}\n\n${USAGE}`); return 2 }
  if (o.help) { log(USAGE); return 0 }
  if (o.grpc) {
    log(`hopwatch bench, gRPC unary: ${o.rounds} interleaved round(s) of ${o.seconds} s, ${cpus().length} CPUs, node ${process.version}, commit ${measuredCommit()}`)
    try {
      log(`\n${grpcTable(await grpcBench({ ...GRPC_DEFAULTS, rounds: o.rounds, seconds: o.seconds }, log))}`)
      return 0
    } finally { await stopAll() }
  }
  if (o.h2 && findH2load() === null) {
    console.error('bench: h2load is not installed. Install it with `apt-get install nghttp2-client` and run `npm run bench -- --h2` again.')
    return 2
  }
  if (!o.h2 && findWrk() === null) {
    console.error('bench: wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu) and run `npm run bench` again.')
    return 2
  }
  let interrupted = false
  const onSignal = (): void => {
    interrupted = true
    console.error('bench: interrupted; stopping every child process by its PID')
    void stopAll().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('exit', killAllSync)
  try {
    const results = o.h2 ? await h2Bench(o, log) : await bench(o)
    const file = join(tmpdir(), `hopwatch-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
    writeFileSync(file, JSON.stringify(results, null, 2))
    log(`\nJSON results: ${file}`)
    return 0
  } catch (err) {
    if (!interrupted) console.error(`bench: harness failed: ${(err as Error).stack ?? String(err)}`)
    return 1
  } finally {
    await stopAll()
  }
}

process.exitCode = await main()
