// `npm run bench -- --h2`: the HTTP/2 row. h2c with prior knowledge to hopwatch serve and to bare
// fastify (`http2: true`) + @fastify/http-proxy, both forwarding to the same HTTP/1.1 upstream,
// in interleaved rounds of a fixed number of requests (h2load, bounded in count and time).
// One Bearer JWT on every request (h2load sends the same headers each time): the fixed mix's
// cost, not the cardinality mix's.
import { fileURLToPath } from 'node:url'
import type { BenchOptions } from './args.js'
import { cpuMicros, firstMessage, HOST, peakRssBytes, startChild, stopChild } from './procs.js'
import { startHopwatch, startUpstream, type Target, type Upstream } from './targets.js'
import { findH2load, runH2load, type H2loadResult } from './h2load.js'

const BARE_H2_MAIN = fileURLToPath(new URL('./bare-h2.js', import.meta.url))
/** A synthetic JWT (header.payload.signature of random-looking base64url), never a real one. */
const TOKEN = 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoLTEifQ.eyJzdWIiOiJiZW5jaC11c2VyIiwiaXNzIjoiaHR0cHM6Ly9pZHAuYmVuY2giLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLW5vdC1yZWFsLWJlbmNoLW9ubHktYWFhYWFhYWFhYWFhYWFhYWFhYWFh'

interface H2Sample { target: 'bare-h2' | 'hopwatch-h2'; round: number; result: H2loadResult; cpuUsPerRequest: number | null }

async function startBareH2 (upstream: Upstream): Promise<Target> {
  const { child, stderr } = startChild(process.execPath, [BARE_H2_MAIN, `http://${HOST}:${upstream.port}`], { ipc: true })
  const { port } = await firstMessage<{ port: number }>(child, 15_000, stderr)
  return { name: 'bare', port, url: `http://${HOST}:${port}`, host: `${HOST}:${port}`, pid: child.pid ?? null, child }
}

const median = (values: number[]): number => {
  const sorted = values.slice().sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export async function h2Bench (o: BenchOptions, log: (line: string) => void): Promise<Record<string, unknown>> {
  const h2load = findH2load()
  if (h2load === null) throw new Error('h2load is not installed: apt-get install nghttp2-client')
  const requests = o.quick ? 20_000 : 200_000
  const clients = Math.max(1, Math.min(o.connections, 16))
  const streams = 10
  log(`HTTP/2 bench (h2c, prior knowledge): ${o.rounds} interleaved round(s) of ${requests.toLocaleString('en')} requests per target, h2load -c${clients} -m${streams} -t1, one Bearer JWT per request`)
  const upstream = await startUpstream()
  const targets = [{ name: 'bare-h2' as const, target: await startBareH2(upstream) }, { name: 'hopwatch-h2' as const, target: await startHopwatch(upstream) }]
  const samples: H2Sample[] = []
  const timeoutMs = 60_000 + requests
  const run = async (name: H2Sample['target'], target: Target, count: number, round: number): Promise<H2Sample> => {
    const before = target.pid === null ? null : cpuMicros(target.pid)
    const result = await runH2load(h2load, { url: `${target.url}/api/orders/1`, requests: count, clients, streams, headers: [`authorization: ${TOKEN}`], timeoutMs })
    const after = target.pid === null ? null : cpuMicros(target.pid)
    return { target: name, round, result, cpuUsPerRequest: before === null || after === null ? null : (after - before) / Math.max(1, result.succeeded) }
  }
  try {
    for (const { name, target } of targets) await run(name, target, Math.ceil(requests / 4), 0)
    for (let round = 1; round <= o.rounds; round++) {
      const order = round % 2 === 1 ? targets : targets.slice().reverse()
      for (const { name, target } of order) {
        const sample = await run(name, target, requests, round)
        samples.push(sample)
        log(`  round ${round} ${name.padEnd(11)} ${sample.result.rps.toFixed(0)} req/s, mean ${sample.result.meanMs.toFixed(2)} ms, ${sample.result.failed} failed`)
      }
    }
  } finally {
    for (const { target } of targets) if (target.child !== null) await stopChild(target.child)
    await stopChild(upstream.child)
  }
  const rows = targets.map(({ name, target }) => {
    const mine = samples.filter((s) => s.target === name)
    const cpu = mine.map((s) => s.cpuUsPerRequest).filter((v): v is number => v !== null)
    return {
      target: name,
      rps: median(mine.map((s) => s.result.rps)),
      meanMs: median(mine.map((s) => s.result.meanMs)),
      failed: mine.reduce((a, s) => a + s.result.failed, 0),
      cpuUsPerRequest: cpu.length === 0 ? null : median(cpu),
      peakRssMiB: target.pid === null ? null : (peakRssBytes(target.pid) ?? 0) / 1048576
    }
  })
  log('\n## HTTP/2 (h2c): throughput and latency (median over rounds)\n')
  log('| target | req/s | mean latency ms | CPU µs/request | failed |')
  log('| --- | ---: | ---: | ---: | ---: |')
  for (const r of rows) log(`| ${r.target} | ${r.rps.toFixed(0)} | ${r.meanMs.toFixed(2)} | ${r.cpuUsPerRequest?.toFixed(1) ?? 'n/a'} | ${r.failed} |`)
  const [bare, hw] = rows
  if (bare !== undefined && hw !== undefined) {
    log(`\nhopwatch/bare over HTTP/2: throughput ${(hw.rps / bare.rps).toFixed(2)}x, mean latency ${(hw.meanMs / bare.meanMs).toFixed(2)}x${hw.cpuUsPerRequest !== null && bare.cpuUsPerRequest !== null ? `, CPU per request ${(hw.cpuUsPerRequest / bare.cpuUsPerRequest).toFixed(2)}x` : ''}`)
  }
  return { h2: { requests, clients, streams, rounds: o.rounds, rows, samples } }
}
