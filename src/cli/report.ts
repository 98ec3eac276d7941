// `hopwatch report [--admin URL] [--admin-token T] [--format text|json] [--timeout MS]`: print a
// running sidecar's report; exit 1 when it holds an error finding (for CI), 2 on usage or
// connection errors. The token is sent as `Authorization: Bearer` and never printed.
import { request } from 'undici'
import { DEFAULT_ADMIN } from '../config/defaults.js'
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js'
import { list, millis, oneOf, parseFlags, str, UsageError } from '../config/flags.js'
import { adminTarget, adminToken, adminUrlFrom } from './admin-target.js'
import { readAdminList } from './admin-list.js'
import { renderText } from '../report/text.js'
import { mergeReports, MergeRefused, type FleetReport, type ReplicaAnswer } from '../report/merge.js'
import type { Report } from '../report/model.js'
import { isError } from '../diagnose/evidence.js'

export const DEFAULT_REPORT_TIMEOUT_MS = 5_000
const MAX_BODY_BYTES = 32 * 1024 * 1024

export const REPORT_HELP = `Usage: hopwatch report [--admin URL ...] [--admins FILE] [--admin-token T] [--format text|json]

Prints the report of a running \`hopwatch serve\` (its admin listener's GET /report). Given
several admin listeners (the sidecars of a service's replicas), asks them all and prints one
merged report: totals summed, findings grouped across replicas with a count per replica, layers
united, plus \`replicas\` (which answered, which did not). Replicas must share
HOPWATCH_FINGERPRINT_KEY (the report's fingerprintKeyId says so), or the merge is refused.

Flags:
  --admin URL          admin listener as http://HOST:PORT or HOST:PORT (repeatable); default
                       HOPWATCH_ADMIN (as \`serve\` reads it; 0.0.0.0 becomes loopback), else ${DEFAULT_ADMIN}
  --admins FILE        a file of admin URLs, one per line (# comments and blank lines skipped)
  --admin-token T      bearer token of the admin listener (prefer HOPWATCH_ADMIN_TOKEN: flags show in ps)
  --format text|json   default text
  --timeout MS         default ${DEFAULT_REPORT_TIMEOUT_MS}, range 1-3600000

Exit codes: 0 no error finding, 1 at least one error (errors need likely or certain evidence),
2 usage or connection error (with several admins: none answered, or their fingerprint keys
differ; a replica that did not answer is listed, and said on stderr, but does not change the
exit code by itself).
`

interface Parsed { admins: URL[], token: string | null, format: 'text' | 'json', timeoutMs: number }

/** Replicas asked at once in a fleet merge. */
const MAX_ADMINS = 500

export function parseReportArgs (argv: string[], env: NodeJS.ProcessEnv): Parsed | 'help' {
  const { values, help } = parseFlags(argv, {
    admin: { type: 'string', multiple: true }, admins: { type: 'string' }, 'admin-token': { type: 'string' }, format: { type: 'string' }, timeout: { type: 'string' }
  }, 'report')
  if (help) return 'help'
  const file = str(values.admins)
  const given = [...list(values.admin).map((a) => adminUrlFrom(a, '--admin')), ...(file === undefined ? [] : readAdminList(file))]
  if (given.length > MAX_ADMINS) throw new UsageError(`at most ${MAX_ADMINS} admin listeners can be merged at once.`)
  return {
    admins: given.length === 0 ? [adminTarget(undefined, env)] : given,
    token: adminToken(str(values['admin-token']), env),
    format: oneOf('--format', str(values.format), ['text', 'json'] as const, 'text'),
    timeoutMs: millis('--timeout', str(values.timeout), DEFAULT_REPORT_TIMEOUT_MS)
  }
}

class FetchError extends Error {}

async function get (parsed: Parsed, admin: URL, format: 'text' | 'json'): Promise<string> {
  const url = new URL('report', admin.href.endsWith('/') ? admin : `${admin.href}/`)
  if (format === 'text') url.searchParams.set('format', 'text')
  const headers: Record<string, string> = { accept: format === 'text' ? 'text/plain' : 'application/json' }
  if (parsed.token !== null) headers.authorization = `Bearer ${parsed.token}`
  let res: Awaited<ReturnType<typeof request>>
  try {
    res = await request(url, { method: 'GET', headers, headersTimeout: parsed.timeoutMs, bodyTimeout: parsed.timeoutMs })
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error'
    throw new FetchError(`Could not reach the hopwatch admin listener at ${admin.origin} (${code}). Is \`hopwatch serve\` running there, and is --admin right?`)
  }
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of res.body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    size += buf.length
    if (size > MAX_BODY_BYTES) throw new FetchError('The admin listener sent a report larger than 32 MiB; is --admin pointing at hopwatch?')
    chunks.push(buf)
  }
  if (res.statusCode === 401 || res.statusCode === 403) {
    throw new FetchError(`The admin listener refused the request (${res.statusCode}): pass its token with --admin-token or HOPWATCH_ADMIN_TOKEN.`)
  }
  if (res.statusCode === 421) {
    throw new FetchError('The admin listener answered 421: without a token it answers only localhost, 127.0.0.1, [::1] or its own --admin host; use one of those in --admin, or start it with --admin-token.')
  }
  if (res.statusCode !== 200) throw new FetchError(`The admin listener answered ${res.statusCode} to GET /report; is --admin pointing at hopwatch?`)
  return Buffer.concat(chunks).toString('utf8')
}

/** True when the JSON report holds an error finding made on likely or certain evidence. */
export function hasErrorFinding (report: unknown): boolean {
  if (typeof report !== 'object' || report === null || !('findings' in report)) return false
  const findings = report.findings
  if (!Array.isArray(findings)) return false
  return findings.some((f: unknown) => typeof f === 'object' && f !== null && 'severity' in f && isError(f))
}

/** GET /report as JSON, checked to be a hopwatch report. */
async function fetchReport (parsed: Parsed, admin: URL): Promise<Report> {
  const json = await get(parsed, admin, 'json')
  let body: unknown
  try { body = JSON.parse(json) } catch { throw new FetchError('The admin listener did not answer JSON to GET /report; is --admin pointing at hopwatch?') }
  if (typeof body !== 'object' || body === null || !('findings' in body)) {
    throw new FetchError('The answer to GET /report has no findings; is --admin pointing at hopwatch?')
  }
  return body as Report
}

/** The admin URL as shown: origin and path, never anything else. */
const shown = (admin: URL): string => `${admin.origin}${admin.pathname === '/' ? '' : admin.pathname}`

function fleetText (merged: FleetReport): string {
  const lines = [renderText(merged).trimEnd(), '', `REPLICAS (${merged.replicas.filter((r) => r.answered).length} of ${merged.replicas.length} answered)`]
  merged.replicas.forEach((r, i) => {
    lines.push(`  r${i + 1} ${r.admin}  ${r.answered ? `exchanges ${r.exchanges ?? 0}, report of ${r.generatedAt ?? '?'}` : `NO ANSWER: ${r.error ?? ''}`}`)
  })
  const spread = merged.findings.filter((f) => Object.keys(f.replicas).length > 0)
  if (spread.length > 0) {
    lines.push('', 'FINDINGS PER REPLICA')
    for (const f of spread) lines.push(`  ${f.rule} ${f.header ?? '-'} ${f.route}: ${Object.entries(f.replicas).map(([admin, n]) => `${admin} x${n}`).join(', ')}`)
  }
  return `${lines.join('\n')}\n`
}

/** Several sidecars: ask them all at once, merge what came back. */
async function fleet (parsed: Parsed, io: CliIO): Promise<number> {
  const answers: ReplicaAnswer[] = await Promise.all(parsed.admins.map(async (admin) => {
    try {
      const body = await fetchReport(parsed, admin)
      // A merge sums these: a report without them is not one hopwatch serve made.
      if (typeof body.totals !== 'object' || !Array.isArray(body.headers) || !Array.isArray(body.routes) || !Array.isArray(body.layers)) {
        throw new FetchError('The answer to GET /report is not a whole hopwatch report; is this admin URL a hopwatch sidecar?')
      }
      return { admin: shown(admin), report: body, error: null }
    } catch (err) {
      if (err instanceof FetchError) return { admin: shown(admin), report: null, error: err.message }
      throw err
    }
  }))
  let merged: FleetReport
  try {
    merged = mergeReports(answers)
  } catch (err) {
    if (!(err instanceof MergeRefused)) throw err
    for (const a of answers) if (a.error !== null) io.stderr(`hopwatch report: ${a.error}\n`)
    io.stderr(`hopwatch report: not merged: ${err.message}\n`)
    return EXIT_USAGE
  }
  for (const a of answers) if (a.error !== null) io.stderr(`hopwatch report: ${a.admin} did not answer: ${a.error}\n`)
  io.stdout(parsed.format === 'json' ? `${JSON.stringify(merged, null, 2)}\n` : fleetText(merged))
  return hasErrorFinding(merged) ? EXIT_FINDINGS : EXIT_OK
}

export const report: Command = async (argv: string[], io: CliIO): Promise<number> => {
  let parsed: Parsed | 'help'
  try {
    parsed = parseReportArgs(argv, io.env)
  } catch (err) {
    if (err instanceof UsageError) { io.stderr(`hopwatch report: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
  if (parsed === 'help') { io.stdout(REPORT_HELP); return EXIT_OK }
  if (parsed.admins.length > 1) return await fleet(parsed, io)
  const admin = parsed.admins[0] as URL
  try {
    const body = await fetchReport(parsed, admin)
    const text = parsed.format === 'text' ? await get(parsed, admin, 'text') : `${JSON.stringify(body, null, 2)}\n`
    io.stdout(text.endsWith('\n') ? text : `${text}\n`)
    return hasErrorFinding(body) ? EXIT_FINDINGS : EXIT_OK
  } catch (err) {
    if (err instanceof FetchError) { io.stderr(`hopwatch report: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
}
