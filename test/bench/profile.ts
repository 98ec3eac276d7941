// --profile: run a proxy child under `node --cpu-prof` with the bench load, stop it by PID,
// and summarise the .cpuprofile by self time: top frames and time per package/module.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopChild } from './procs.js'
import { startBare, startHopwatch, type Target, type Upstream } from './targets.js'
import { runWrk } from './wrk.js'
import type { LoadShape } from './rounds.js'

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface ProfileRow { name: string; selfMs: number; pct: number }
export interface ProfileSummary {
  target: string
  file: string
  requests: number
  /** Sampled time excluding (idle). */
  busyMs: number
  /** Busy sampled time per completed request, microseconds. */
  busyUsPerReq: number
  frames: ProfileRow[]
  groups: ProfileRow[]
}

function groupOf (frame: CallFrame): string {
  const url = frame.url
  if (url === '') return frame.functionName === '' ? '(native)' : frame.functionName
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/')
    return (rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : rest[0]) ?? url
  }
  const src = url.indexOf('/dist/src/')
  if (src >= 0) return `hopwatch ${url.slice(src + 10).split('/').slice(0, -1).join('/') || '.'}`
  if (url.includes('/dist/test/bench/')) return 'bench harness'
  if (url.startsWith('node:')) return 'node core'
  return url
}

function frameName (frame: CallFrame): string {
  const url = frame.url
  const nm = url.lastIndexOf('/node_modules/')
  const src = url.indexOf('/dist/')
  const short = nm >= 0 ? url.slice(nm + 14) : src >= 0 ? url.slice(src + 6) : url
  return `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${short === '' ? '' : `${short}:${frame.lineNumber + 1}`}`.trim()
}

export function summarizeProfile (profile: CpuProfile, top = 25): { busyMs: number; frames: ProfileRow[]; groups: ProfileRow[] } {
  const byId = new Map<number, ProfileNode>()
  for (const node of profile.nodes) byId.set(node.id, node)
  const frames = new Map<string, number>()
  const groups = new Map<string, number>()
  let busyUs = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number)
    const dt = profile.timeDeltas[i + 1] ?? 0
    if (node === undefined || node.callFrame.functionName === '(idle)') continue
    busyUs += dt
    const name = frameName(node.callFrame)
    frames.set(name, (frames.get(name) ?? 0) + dt)
    const group = groupOf(node.callFrame)
    groups.set(group, (groups.get(group) ?? 0) + dt)
  }
  const rows = (m: Map<string, number>, n: number): ProfileRow[] => [...m.entries()]
    .sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => ({ name, selfMs: us / 1000, pct: busyUs > 0 ? (us / busyUs) * 100 : 0 }))
  return { busyMs: busyUs / 1000, frames: rows(frames, top), groups: rows(groups, 15) }
}

export async function profileTarget (which: 'hopwatch' | 'bare', upstream: Upstream, load: LoadShape, log: (line: string) => void): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), `hopwatch-bench-prof-${which}-`))
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`]
  const target: Target = which === 'hopwatch' ? await startHopwatch(upstream, { nodeArgs }) : await startBare(upstream, nodeArgs)
  let requests = 0
  try {
    for (const seconds of [2, load.seconds]) {
      const wrk = await runWrk({ url: target.url, host: target.host, mix: load.mix, connections: load.connections, threads: load.threads, seconds, quota: 0 })
      requests += wrk.completed
    }
  } finally {
    if (target.child !== null) await stopChild(target.child, 15_000)
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`${which} wrote no .cpuprofile into ${dir} (did it exit cleanly on SIGTERM?)`)
  const path = join(dir, file)
  const summary = summarizeProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile)
  log(`  ${which}: profile ${path} (${summary.busyMs.toFixed(0)} ms busy, ${requests} requests, warm-up included)`)
  return { target: which, file: path, requests, busyMs: summary.busyMs, busyUsPerReq: requests > 0 ? (summary.busyMs * 1000) / requests : 0, frames: summary.frames, groups: summary.groups }
}
