// Child processes of the bench: started here, registered, and stopped by their PID (never by
// name). Also the /proc readers (RSS, CPU time) and small loopback helpers.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { accessSync, constants, readFileSync, openSync, closeSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { createServer, connect } from 'node:net'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

export const HOST = '127.0.0.1'
/** Linux clock ticks per second for /proc/PID/stat (getconf CLK_TCK is 100 on every Linux we run on). */
const CLK_TCK = 100

const running = new Set<ChildProcess>()

export interface StartOptions {
  /** A file to receive stdout; default /dev/null. */
  stdoutFile?: string
  /** 'ipc' adds an IPC channel (node children that report their port). */
  ipc?: boolean
  env?: NodeJS.ProcessEnv
}

/** Spawn a child, register it for cleanup; stderr is kept (last 4 KiB) for error messages. */
export function startChild (command: string, args: string[], options: StartOptions = {}): { child: ChildProcess; stderr: () => string } {
  const out = openSync(options.stdoutFile ?? '/dev/null', 'a')
  const stdio: StdioOptions = options.ipc === true ? ['ignore', out, 'pipe', 'ipc'] : ['ignore', out, 'pipe']
  const child = spawn(command, args, { stdio, env: options.env ?? process.env })
  closeSync(out)
  let tail = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => { tail = (tail + chunk).slice(-4096) })
  track(child)
  return { child, stderr: () => tail }
}

/** Register a child so stopAll() and killAllSync() stop it by PID. */
export function track (child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => { running.delete(child) })
  child.once('error', () => { running.delete(child) })
}

/** Wait for the first IPC message of a node child, bounded in time. */
export async function firstMessage<T> (child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { done(); reject(new Error(`child ${child.pid ?? '?'} sent no message within ${timeoutMs} ms: ${stderr()}`)) }, timeoutMs)
    const onMessage = (message: unknown): void => { done(); resolve(message as T) }
    const onExit = (code: number | null): void => { done(); reject(new Error(`child ${child.pid ?? '?'} exited (${String(code)}) before it was ready: ${stderr()}`)) }
    const done = (): void => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit) }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

/** Stop one child by PID: SIGTERM, then SIGKILL after graceMs. */
export async function stopChild (child: ChildProcess, graceMs = 5000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return child.exitCode
  const pid = child.pid
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  try { process.kill(pid, 'SIGTERM') } catch { return child.exitCode }
  const timer = sleep(graceMs).then(() => 'timeout' as const)
  const first = await Promise.race([exited, timer])
  if (first === 'timeout') {
    try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
    return await Promise.race([exited, sleep(2000).then(() => null)])
  }
  return first
}

/** Stop every child still running (used at the end and on error). */
export async function stopAll (): Promise<void> {
  await Promise.allSettled([...running].map(async (child) => await stopChild(child)))
}

/** Last-resort synchronous cleanup on process exit. */
export function killAllSync (): void {
  for (const child of running) {
    if (child.pid !== undefined) { try { process.kill(child.pid, 'SIGKILL') } catch { /* gone */ } }
  }
}

/** The full path of an executable found on PATH, or null. */
export function which (name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const path = join(dir, name)
    try { accessSync(path, constants.X_OK); return path } catch { /* not here */ }
  }
  return null
}

/** A free loopback port (bind 0, read, close). */
export async function freePort (): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Resolves when a TCP connect to port succeeds; bounded by tries. */
export async function waitForPort (port: number, tries = 100, stepMs = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, HOST)
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => { socket.destroy(); resolve(false) })
    })
    if (ok) return
    await sleep(stepMs)
  }
  throw new Error(`nothing listens on ${HOST}:${port} after ${tries * stepMs} ms`)
}

/** GET a loopback URL and return status and body text; bounded by timeoutMs. */
export async function httpGet (url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)))
    req.on('error', reject)
    req.end()
  })
}

function statusField (pid: number, field: string): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)
    return match?.[1] === undefined ? null : Number(match[1]) * 1024
  } catch { return null }
}

/** Current resident set size in bytes. */
export const rssBytes = (pid: number): number | null => statusField(pid, 'VmRSS')
/** Peak resident set size (high water mark) in bytes. */
export const peakRssBytes = (pid: number): number | null => statusField(pid, 'VmHWM')

/** user+system CPU time of the whole process (all threads), in microseconds. */
export function cpuMicros (pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name "(...)": state is field 3; utime is 14, stime 15.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const utime = Number(rest[11])
    const stime = Number(rest[12])
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null
    return ((utime + stime) * 1_000_000) / CLK_TCK
  } catch { return null }
}

/** Whole-machine CPU from /proc/stat: busy and total time over all CPUs, in microseconds. */
export function systemCpu (): { busyUs: number; totalUs: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number)
    const total = ticks.reduce((a, v) => a + v, 0)
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
    return { busyUs: ((total - idle) * 1_000_000) / CLK_TCK, totalUs: (total * 1_000_000) / CLK_TCK }
  } catch { return { busyUs: 0, totalUs: 0 } }
}

/** Samples RSS of pid every stepMs until stopped; reports the max and the samples (bounded to the last 100k). */
export function rssSampler (pid: number, stepMs = 100): { stop: () => { max: number; samples: number[] } } {
  let max = rssBytes(pid) ?? 0
  const samples: number[] = []
  const timer = setInterval(() => {
    const now = rssBytes(pid)
    if (now === null) return
    if (samples.length >= 100_000) samples.shift()
    samples.push(now)
    if (now > max) max = now
  }, stepMs)
  timer.unref()
  return { stop: () => { clearInterval(timer); return { max, samples } } }
}

export const MiB = 1024 * 1024
