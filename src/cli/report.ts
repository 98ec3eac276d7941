// `hopwatch report [--admin URL] [--admin-token T] [--format text|json] [--timeout MS]`: print a
// running sidecar's report; exit 1 when it holds an error finding (for CI), 2 on usage or
// connection errors. The token is sent as `Authorization: Bearer` and never printed.
import { request } from 'undici'
import { DEFAULT_ADMIN } from '../config/defaults.js'
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js'
import { millis, oneOf, parseFlags, str, UsageError } from '../config/flags.js'
import { adminTarget, adminToken } from './admin-target.js'
import { isError } from '../diagnose/evidence.js'

export const DEFAULT_REPORT_TIMEOUT_MS = 5_000
const MAX_BODY_BYTES = 32 * 1024 * 1024

export const REPORT_HELP = `Usage: hopwatch report [--admin URL] [--admin-token T] [--format text|json]

Prints the report of a running \`hopwatch serve\` (its admin listener's GET /report).

Flags:
  --admin URL          admin listener as http://HOST:PORT or HOST:PORT; default HOPWATCH_ADMIN
                       (as \`serve\` reads it; 0.0.0.0 becomes loopback), else ${DEFAULT_ADMIN}
  --admin-token T      bearer token of the admin listener (prefer HOPWATCH_ADMIN_TOKEN: flags show in ps)
  --format text|json   default text
  --timeout MS         default ${DEFAULT_REPORT_TIMEOUT_MS}

Exit codes: 0 no error finding, 1 at least one error (errors need likely or certain evidence),
2 usage or connection error.
`

interface Parsed { admin: URL, token: string | null, format: 'text' | 'json', timeoutMs: number }

export function parseReportArgs (argv: string[], env: NodeJS.ProcessEnv): Parsed | 'help' {
  const { values, help } = parseFlags(argv, {
    admin: { type: 'string' }, 'admin-token': { type: 'string' }, format: { type: 'string' }, timeout: { type: 'string' }
  }, 'report')
  if (help) return 'help'
  return {
    admin: adminTarget(str(values.admin), env),
    token: adminToken(str(values['admin-token']), env),
    format: oneOf('--format', str(values.format), ['text', 'json'] as const, 'text'),
    timeoutMs: millis('--timeout', str(values.timeout), DEFAULT_REPORT_TIMEOUT_MS)
  }
}

class FetchError extends Error {}

async function get (parsed: Parsed, format: 'text' | 'json'): Promise<string> {
  const url = new URL('report', parsed.admin.href.endsWith('/') ? parsed.admin : `${parsed.admin.href}/`)
  if (format === 'text') url.searchParams.set('format', 'text')
  const headers: Record<string, string> = { accept: format === 'text' ? 'text/plain' : 'application/json' }
  if (parsed.token !== null) headers.authorization = `Bearer ${parsed.token}`
  let res: Awaited<ReturnType<typeof request>>
  try {
    res = await request(url, { method: 'GET', headers, headersTimeout: parsed.timeoutMs, bodyTimeout: parsed.timeoutMs })
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error'
    throw new FetchError(`Could not reach the hopwatch admin listener at ${parsed.admin.origin} (${code}). Is \`hopwatch serve\` running there, and is --admin right?`)
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

export const report: Command = async (argv: string[], io: CliIO): Promise<number> => {
  let parsed: Parsed | 'help'
  try {
    parsed = parseReportArgs(argv, io.env)
  } catch (err) {
    if (err instanceof UsageError) { io.stderr(`hopwatch report: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
  if (parsed === 'help') { io.stdout(REPORT_HELP); return EXIT_OK }
  try {
    const json = await get(parsed, 'json')
    let body: unknown
    try { body = JSON.parse(json) } catch { throw new FetchError('The admin listener did not answer JSON to GET /report; is --admin pointing at hopwatch?') }
    if (typeof body !== 'object' || body === null || !('findings' in body)) {
      throw new FetchError('The answer to GET /report has no findings; is --admin pointing at hopwatch?')
    }
    const text = parsed.format === 'text' ? await get(parsed, 'text') : `${JSON.stringify(body, null, 2)}\n`
    io.stdout(text.endsWith('\n') ? text : `${text}\n`)
    return hasErrorFinding(body) ? EXIT_FINDINGS : EXIT_OK
  } catch (err) {
    if (err instanceof FetchError) { io.stderr(`hopwatch report: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
}
