// One h2load run (nghttp2-client): HTTP/2 with prior knowledge over cleartext, a fixed number
// of requests, killed by its PID if it outlives its time bound. Its summary lines parsed.
import { spawn } from 'node:child_process'
import { track, which } from './procs.js'

export interface H2loadResult { requests: number; succeeded: number; failed: number; rps: number; meanMs: number; maxMs: number; seconds: number }

export function findH2load (): string | null {
  return which('h2load')
}

export interface H2loadRun { url: string; requests: number; clients: number; streams: number; headers: string[]; timeoutMs: number }

/** `finished in 1.23s, 8130.08 req/s, ...`, `requests: N total, ... N succeeded, N failed`, `time for request: min max mean`. */
export function parseH2load (out: string): H2loadResult {
  const finished = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(out)
  const counts = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(out)
  const time = /time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)/.exec(out)
  if (finished === null || counts === null || time === null) throw new Error(`h2load output not understood: ${out.slice(-600)}`)
  const ms = (value: string | undefined, unit: string | undefined): number => Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1)
  return {
    seconds: Number(finished[1]) * (finished[2] === 'ms' ? 0.001 : 1),
    rps: Number(finished[3]),
    requests: Number(counts[1]),
    succeeded: Number(counts[2]),
    failed: Number(counts[3]),
    maxMs: ms(time[3], time[4]),
    meanMs: ms(time[5], time[6])
  }
}

export async function runH2load (h2load: string, run: H2loadRun): Promise<H2loadResult> {
  const args = ['-n', String(run.requests), '-c', String(run.clients), '-m', String(run.streams), '-t', '1']
  for (const header of run.headers) args.push('-H', header)
  args.push(run.url)
  const child = spawn(h2load, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  track(child)
  let out = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => { out = (out + chunk).slice(-16_384) })
  child.stderr.on('data', () => { /* progress lines */ })
  const timer = setTimeout(() => { if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL') }, run.timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`h2load exited ${String(code)} (time bound ${run.timeoutMs} ms): ${out.slice(-600)}`)
  return parseH2load(out)
}
