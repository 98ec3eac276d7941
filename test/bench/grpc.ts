// `npm run bench -- --grpc`: a gRPC unary row. A grpc-js client keeps `concurrency` calls of
// Orders/Get in flight (each with an authorization metadata) against the grpc-js server
// directly, then through hopwatch (h2c in, --upstream-protocol h2c out), interleaved rounds,
// each bounded by time and by count. Reported: calls/s, p50/p99 latency, and hopwatch's CPU
// per call (from /proc, user + system).
import * as grpc from '@grpc/grpc-js'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { loadOrders, type OrdersClient } from '../helpers/grpc-server.js'
import { cpuMicros, firstMessage, freePort, HOST, httpGet, startChild, stopChild, waitForPort } from './procs.js'
import { HOPWATCH_MAIN } from './targets.js'

export interface GrpcBenchOptions { rounds: number; seconds: number; concurrency: number; maxCalls: number }
export const GRPC_DEFAULTS: GrpcBenchOptions = { rounds: 3, seconds: 10, concurrency: 32, maxCalls: 2_000_000 }

interface Sample { target: 'direct' | 'hopwatch'; calls: number; errors: number; seconds: number; p50Us: number; p99Us: number; cpuUsPerCall: number | null; upstreamCpuUsPerCall: number | null }
export interface GrpcRow { target: string; callsPerSecond: number; p50Us: number; p99Us: number; cpuUsPerCall: number | null; upstreamCpuUsPerCall: number | null; rounds: number; calls: number; errors: number }

const UPSTREAM_MAIN = fileURLToPath(new URL('./grpc-upstream.js', import.meta.url))
const TOKEN = 'Bearer grpc-bench-token'

async function startHopwatchH2c (upstreamPort: number): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const admin = await freePort()
  const { child, stderr } = startChild(process.execPath, [HOPWATCH_MAIN, 'serve', '--upstream', `http://${HOST}:${upstreamPort}`,
    '--upstream-protocol', 'h2c', '--listen', `${HOST}:${port}`, '--admin', `${HOST}:${admin}`, '--log-level', 'warn'])
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`hopwatch serve exited (${String(child.exitCode)}) at start: ${stderr()}`)
    if (await httpGet(`http://${HOST}:${admin}/healthz`, 1000).then((r) => r.status === 200, () => false)) break
    if (i === 149) throw new Error(`hopwatch admin never answered /healthz: ${stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await waitForPort(port)
  return { child, port }
}

function percentile (sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
}

/** Unary calls with `concurrency` in flight until `seconds` pass or `maxCalls` are made. */
async function load (client: OrdersClient, o: GrpcBenchOptions): Promise<{ calls: number; errors: number; seconds: number; latencies: Float64Array }> {
  const metadata = new grpc.Metadata()
  metadata.set('authorization', TOKEN)
  const latencies = new Float64Array(o.maxCalls)
  let calls = 0
  let errors = 0
  const start = performance.now()
  const until = start + o.seconds * 1000
  const one = async (): Promise<void> => {
    while (calls < o.maxCalls && performance.now() < until) {
      const at = performance.now()
      const ok = await new Promise<boolean>((resolve) => {
        client.Get({ id: 'bench', count: 0 }, metadata, { deadline: Date.now() + 10_000 }, (err) => { resolve(err === null) })
      })
      if (!ok) errors++
      if (calls < o.maxCalls) latencies[calls++] = (performance.now() - at) * 1000
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, one))
  return { calls, errors, seconds: (performance.now() - start) / 1000, latencies: latencies.slice(0, calls).sort() }
}

async function round (target: Sample['target'], address: string, pid: number | null, upstreamPid: number, o: GrpcBenchOptions): Promise<Sample> {
  const { Client } = loadOrders()
  const client = new Client(address, grpc.credentials.createInsecure())
  try {
    // Warm the channel (connection, JIT) with a short bounded burst first.
    await load(client, { ...o, seconds: 1, maxCalls: 2000 })
    const cpuBefore = pid === null ? null : cpuMicros(pid)
    const upBefore = cpuMicros(upstreamPid)
    const run = await load(client, o)
    const cpuAfter = pid === null ? null : cpuMicros(pid)
    const upAfter = cpuMicros(upstreamPid)
    const perCall = (before: number | null, after: number | null): number | null => before === null || after === null || run.calls === 0 ? null : (after - before) / run.calls
    return { target, calls: run.calls, errors: run.errors, seconds: run.seconds, p50Us: percentile(run.latencies, 0.5), p99Us: percentile(run.latencies, 0.99), cpuUsPerCall: perCall(cpuBefore, cpuAfter), upstreamCpuUsPerCall: perCall(upBefore, upAfter) }
  } finally {
    client.close()
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

export async function grpcBench (o: GrpcBenchOptions, log: (line: string) => void): Promise<GrpcRow[]> {
  const { child: upstream, stderr } = startChild(process.execPath, [UPSTREAM_MAIN], { ipc: true })
  const { port } = await firstMessage<{ port: number }>(upstream, 15_000, stderr)
  const hopwatch = await startHopwatchH2c(port)
  const samples: Sample[] = []
  try {
    for (let r = 0; r < o.rounds; r++) {
      for (const [target, address, pid] of [['direct', `${HOST}:${port}`, null], ['hopwatch', `${HOST}:${hopwatch.port}`, hopwatch.child.pid ?? null]] as const) {
        const s = await round(target, address, pid, upstream.pid ?? 0, o)
        samples.push(s)
        log(`  grpc round ${r + 1}/${o.rounds} ${target.padEnd(9)} ${(s.calls / s.seconds).toFixed(0).padStart(7)} calls/s  p50 ${(s.p50Us / 1000).toFixed(2)} ms  p99 ${(s.p99Us / 1000).toFixed(2)} ms  cpu ${s.cpuUsPerCall?.toFixed(1) ?? '-'} us/call  grpc-js server ${s.upstreamCpuUsPerCall?.toFixed(1) ?? '-'} us/call  errors ${s.errors}`)
      }
    }
  } finally {
    await stopChild(hopwatch.child)
    await stopChild(upstream)
  }
  return (['direct', 'hopwatch'] as const).map((target) => {
    const mine = samples.filter((s) => s.target === target)
    const cpus = mine.flatMap((s) => s.cpuUsPerCall === null ? [] : [s.cpuUsPerCall])
    const upstreamCpus = mine.flatMap((s) => s.upstreamCpuUsPerCall === null ? [] : [s.upstreamCpuUsPerCall])
    return {
      target,
      callsPerSecond: median(mine.map((s) => s.calls / s.seconds)),
      p50Us: median(mine.map((s) => s.p50Us)),
      p99Us: median(mine.map((s) => s.p99Us)),
      cpuUsPerCall: cpus.length === 0 ? null : median(cpus),
      upstreamCpuUsPerCall: upstreamCpus.length === 0 ? null : median(upstreamCpus),
      rounds: mine.length,
      calls: mine.reduce((a, s) => a + s.calls, 0),
      errors: mine.reduce((a, s) => a + s.errors, 0)
    }
  })
}

export function grpcTable (rows: GrpcRow[]): string {
  const ms = (us: number): string => (us / 1000).toFixed(2)
  return ['| target | calls/s | p50 ms | p99 ms | hopwatch CPU us/call | grpc-js server CPU us/call | rounds | calls | errors |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| gRPC unary, ${r.target} | ${r.callsPerSecond.toFixed(0)} | ${ms(r.p50Us)} | ${ms(r.p99Us)} | ${r.cpuUsPerCall === null ? '- (no proxy)' : r.cpuUsPerCall.toFixed(1)} | ${r.upstreamCpuUsPerCall?.toFixed(1) ?? '-'} | ${r.rounds} | ${r.calls} | ${r.errors} |`)].join('\n')
}
