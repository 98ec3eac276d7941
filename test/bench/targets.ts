// Start the upstream and the targets, each in its own child process on loopback:
// direct (no proxy), bare @fastify/http-proxy, hopwatch serve, and mitmdump when installed.
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { firstMessage, freePort, httpGet, HOST, startChild, stopChild, waitForPort, which } from './procs.js'

export type TargetName = 'direct' | 'bare' | 'hopwatch' | 'mitmproxy'

export interface Upstream {
  port: number
  pid: number
  child: ChildProcess
  /** Requests the upstream has received so far. */
  count: () => Promise<number>
  /** Requests and TCP connections the upstream has accepted so far. */
  counters: () => Promise<{ requests: number; connections: number }>
}

export interface Totals { exchanges: number; evicted: number; withCredentials: number }

export interface Target {
  name: TargetName
  port: number
  url: string
  /** host:port for the Host header. */
  host: string
  /** The proxy process measured (null for direct: there is no proxy). */
  pid: number | null
  child: ChildProcess | null
  /** hopwatch only: the admin report's totals. */
  totals?: () => Promise<Totals>
}

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url))
export const HOPWATCH_MAIN = here('../../src/cli/main.js')
const BARE_MAIN = here('./bare.js')
const UPSTREAM_MAIN = here('./upstream.js')

export async function startUpstream (): Promise<Upstream> {
  const { child, stderr } = startChild(process.execPath, [UPSTREAM_MAIN], { ipc: true })
  const { port } = await firstMessage<{ port: number }>(child, 10_000, stderr)
  const counters = async (): Promise<{ requests: number; connections: number }> => {
    child.send('count')
    return await firstMessage<{ requests: number; connections: number }>(child, 5000, stderr)
  }
  const count = async (): Promise<number> => (await counters()).requests
  return { port, pid: child.pid ?? 0, child, count, counters }
}

export function directTarget (upstream: Upstream): Target {
  return { name: 'direct', port: upstream.port, url: `http://${HOST}:${upstream.port}`, host: `${HOST}:${upstream.port}`, pid: null, child: null }
}

export async function startBare (upstream: Upstream, nodeArgs: string[] = []): Promise<Target> {
  const { child, stderr } = startChild(process.execPath, [...nodeArgs, BARE_MAIN, `http://${HOST}:${upstream.port}`], { ipc: true })
  const { port } = await firstMessage<{ port: number }>(child, 15_000, stderr)
  return { name: 'bare', port, url: `http://${HOST}:${port}`, host: `${HOST}:${port}`, pid: child.pid ?? null, child }
}

export interface HopwatchOptions {
  nodeArgs?: string[]
  /** Where its log lines go (one JSON line per exchange); default /dev/null. */
  logFile?: string
}

export async function startHopwatch (upstream: Upstream, options: HopwatchOptions = {}): Promise<Target> {
  if (!existsSync(HOPWATCH_MAIN)) throw new Error(`${HOPWATCH_MAIN} is missing: run \`npm run build\` first`)
  const port = await freePort()
  const admin = await freePort()
  const args = [...(options.nodeArgs ?? []), HOPWATCH_MAIN, 'serve',
    '--upstream', `http://${HOST}:${upstream.port}`,
    '--listen', `${HOST}:${port}`, '--admin', `${HOST}:${admin}`, '--log-level', 'info']
  const { child, stderr } = startChild(process.execPath, args, options.logFile === undefined ? {} : { stdoutFile: options.logFile })
  const adminUrl = `http://${HOST}:${admin}`
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null
  for (let i = 0; i < 150; i++) {
    if (exited()) throw new Error(`hopwatch serve exited (${String(child.exitCode)}) at start: ${stderr()}`)
    const ok = await httpGet(`${adminUrl}/healthz`, 1000).then((r) => r.status === 200, () => false)
    if (ok) break
    if (i === 149) { await stopChild(child); throw new Error(`hopwatch admin never answered /healthz: ${stderr()}`) }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await waitForPort(port)
  const totals = async (): Promise<Totals> => {
    const { status, body } = await httpGet(`${adminUrl}/report`, 15_000)
    if (status !== 200) throw new Error(`GET /report answered ${status}`)
    const report = JSON.parse(body) as { totals?: Partial<Totals> }
    return { exchanges: report.totals?.exchanges ?? NaN, evicted: report.totals?.evicted ?? NaN, withCredentials: report.totals?.withCredentials ?? NaN }
  }
  return { name: 'hopwatch', port, url: `http://${HOST}:${port}`, host: `${HOST}:${port}`, pid: child.pid ?? null, child, totals }
}

/** The path of mitmdump, or null when it is not installed. */
export function findMitmdump (): string | null {
  return which('mitmdump')
}

export async function startMitmproxy (mitmdump: string, upstream: Upstream): Promise<Target> {
  const port = await freePort()
  const { child, stderr } = startChild(mitmdump, ['--mode', `reverse:http://${HOST}:${upstream.port}`, '--listen-host', HOST, '--listen-port', String(port), '-q'])
  try {
    await waitForPort(port, 300, 100)
  } catch (err) {
    await stopChild(child)
    throw new Error(`mitmdump did not listen: ${(err as Error).message}: ${stderr()}`)
  }
  return { name: 'mitmproxy', port, url: `http://${HOST}:${port}`, host: `${HOST}:${port}`, pid: child.pid ?? null, child }
}
