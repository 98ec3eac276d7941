// Run the hopwatch CLI as a real child process, from dist/ as the package ships it
// (`npm test` builds first; run `npm run build` before running a single test file by hand).
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { existsSync, readFileSync } from 'node:fs'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BUILT_CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js')

export function cliCommand (): { command: string; args: string[] } {
  if (!existsSync(BUILT_CLI)) throw new Error('dist/ is missing: run `npm run build` (npm test does it) before this test.')
  return { command: process.execPath, args: [BUILT_CLI] }
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Run to completion (bounded by timeoutMs, then killed by PID). */
export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<CliResult> {
  const { command, args: base } = cliCommand()
  const child = spawn(command, [...base, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

export interface Started {
  child: ChildProcess
  lines: string[]
  /** Resolves with the exit code when the process exits (by itself or by stop). */
  exited: Promise<number | null>
  /** Send `signal` (once, if still running) and wait for the exit, SIGKILL after 10 s. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/** Start `hopwatch serve ...` and wait for its 'hopwatch listening' log line (bounded: 60 s, as a loaded CI machine can take 15 s to start Node). */
export async function startServeProcess (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Started & { trafficUrl: string; adminUrl: string }> {
  const { command, args: base } = cliCommand()
  const child = spawn(command, [...base, 'serve', ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let buffered = ''
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  const ready = new Promise<{ traffic: string; admin: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hopwatch did not start in ${timeoutMs} ms: ${stderr.slice(0, 500)}`)), timeoutMs)
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`hopwatch exited with ${code}: ${stderr.slice(0, 500)}`)) })
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString()
      let nl
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        lines.push(line)
        if (line.includes('"hopwatch listening"')) {
          const parsed = JSON.parse(line) as { traffic: string; admin: string }
          clearTimeout(timer)
          resolve(parsed)
        }
      }
    })
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
  let exitedYet = false
  void exited.then(() => { exitedYet = true })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (!exitedYet && child.pid !== undefined) { try { process.kill(child.pid, signal) } catch { /* already gone */ } }
    const timer = setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL') }, 10_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  try {
    const { traffic, admin } = await ready
    return { child, lines, exited, stop, trafficUrl: traffic, adminUrl: admin }
  } catch (err) {
    await stop('SIGKILL')
    throw err
  }
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssOf (pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)
  return match === null ? 0 : Number(match[1]) * 1024
}
