// The real deployment the "truth" tests run: an app that answers 401 with and without challenges
// and redirects, real clients (curl, wget, Node fetch) and the report read back through the
// admin listener and `hopwatch report`. The ground truth is written in each test before it runs.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import type { Test } from 'tap'
import { startEchoUpstream, type EchoUpstream } from '../../helpers/echo-upstream.js'
import { startHopwatch, waitForExchanges, type TestHopwatch } from '../../helpers/hopwatch.js'
import { report as reportCommand } from '../../../src/cli/report.js'
import type { FindingGroup, LayerReport } from '../../../src/diagnose/types.js'

export const CURL = '/usr/bin/curl'
export const WGET = '/usr/bin/wget'
export const hasCurl = (): boolean => existsSync(CURL)
export const hasWget = (): boolean => existsSync(WGET)

/** Where the app's redirects point; set by a test once the front server's port is known. */
export interface AppSettings { redirectTo: string, dateOffsetMs: number }

/**
 * /api/*: needs Authorization (401 with a Bearer challenge); /key/*: needs X-Api-Key (401 with no
 * challenge); /hidden: always 401 with a challenge; /old: 302 to `redirectTo`; /cookie: sets one.
 */
export async function startApp (t: Test, settings: AppSettings = { redirectTo: '/api/landing', dateOffsetMs: 0 }): Promise<EchoUpstream & { settings: AppSettings }> {
  const app = await startEchoUpstream((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (settings.dateOffsetMs !== 0) headers.date = new Date(Date.now() + settings.dateOffsetMs).toUTCString()
    if (path === '/old') { res.writeHead(302, { ...headers, location: settings.redirectTo }).end(); return }
    if (path === '/hidden') { res.writeHead(401, { ...headers, 'www-authenticate': 'Bearer realm="api"' }).end('{}'); return }
    if (path === '/cookie') { res.writeHead(200, { ...headers, 'set-cookie': 'sid=s3cr3t-session; Path=/; HttpOnly' }).end('{}'); return }
    if (path.startsWith('/key/')) {
      if (req.headers['x-api-key'] === undefined) { res.writeHead(401, headers).end('{"error":"no key"}'); return }
    } else if (req.headers.authorization === undefined) {
      res.writeHead(401, { ...headers, 'www-authenticate': 'Bearer realm="api"' }).end('{"error":"unauthorized"}')
      return
    }
    res.writeHead(200, headers).end('{"ok":true}')
  })
  t.teardown(app.close)
  return Object.assign(app, { settings })
}

export async function startTap (t: Test, upstream: string, args: string[] = []): Promise<TestHopwatch> {
  const hw = await startHopwatch(upstream, args)
  t.teardown(hw.close)
  return hw
}

export interface Snapshot { findings: FindingGroup[], layers: LayerReport[] }

export async function reportOf (hw: TestHopwatch, exchanges: number): Promise<Snapshot> {
  await waitForExchanges(hw, exchanges, 10_000)
  // Pairing and the diagnosis run right after the response: give the edge side a moment.
  await new Promise((resolve) => setTimeout(resolve, 100))
  return await (await fetch(`${hw.adminUrl}/report`)).json() as Snapshot
}

export async function textOf (hw: TestHopwatch): Promise<string> {
  return await (await fetch(`${hw.adminUrl}/report?format=text`)).text()
}

/** `hopwatch report --format json` against the running tap: its exit code. */
export async function reportExit (hw: TestHopwatch): Promise<number> {
  const sink = (): void => {}
  return await reportCommand(['--admin', hw.adminUrl, '--format', 'json'], { env: {}, stdout: sink, stderr: sink })
}

/** Findings that would make noise: errors and warnings. */
export const loud = (s: Snapshot): FindingGroup[] => s.findings.filter((f) => f.severity !== 'info')

function run (file: string, args: string[]): Promise<{ code: number, stdout: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (err, stdout) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout })
    })
  })
}

/** curl; prints the last status code. Header values are passed as arguments, never printed. */
export async function curl (url: string, headers: string[] = [], extra: string[] = []): Promise<number> {
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', ...extra]
  for (const h of headers) args.push('-H', h)
  const { stdout } = await run(CURL, [...args, url])
  return Number(stdout.trim().slice(-3))
}

/** wget; exit code 0 on 2xx, 6 on an authentication failure, 8 on another server error. */
export async function wget (url: string, headers: string[] = []): Promise<number> {
  const args = ['-q', '-O', '/dev/null', '--tries=1', '--timeout=10', '--max-redirect=5']
  for (const h of headers) args.push(`--header=${h}`)
  return (await run(WGET, [...args, url])).code
}
