// `hopwatch health [--admin URL] [--admin-token T] [--ready] [--timeout MS]`: the container
// health check. GETs /healthz (or /readyz with --ready) on the admin listener and exits 0 on
// 200, 1 otherwise, 2 on usage errors, with one line of output. It is what the Docker
// HEALTHCHECK and the Kubernetes exec probes run, so the image needs no curl or wget.
// By default it follows the same environment as `serve` (HOPWATCH_ADMIN, HOPWATCH_ADMIN_TOKEN),
// turning a wildcard bind address into loopback. The token is sent, never printed.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { DEFAULT_ADMIN } from '../config/defaults.js'
import { millis, parseFlags, str, UsageError } from '../config/flags.js'
import { adminTarget, adminToken } from './admin-target.js'
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js'

export const DEFAULT_HEALTH_TIMEOUT_MS = 3_000
/** The env vars this command reads, the same ones `serve` reads. */
export const HEALTH_ENV = ['HOPWATCH_ADMIN', 'HOPWATCH_ADMIN_TOKEN'] as const
const MAX_BODY_BYTES = 64 * 1024

export const HEALTH_HELP = `Usage: hopwatch health [--admin URL] [--admin-token T] [--ready] [--timeout MS]

Checks a running \`hopwatch serve\` through its admin listener: GET /healthz (the process
answers), or with --ready GET /readyz (upstream reachable and traffic listener up).
Made for Docker HEALTHCHECK and Kubernetes exec probes: no curl needed in the image.

Flags:
  --admin URL        admin listener as http://HOST:PORT or HOST:PORT; default from HOPWATCH_ADMIN
                     (as \`serve\` reads it, 0.0.0.0 and :: become loopback), else ${DEFAULT_ADMIN}
  --admin-token T    bearer token of the admin listener; default HOPWATCH_ADMIN_TOKEN (prefer the
                     env var: flags show in ps)
  --ready            check /readyz instead of /healthz
  --timeout MS       give up after MS milliseconds (default ${DEFAULT_HEALTH_TIMEOUT_MS}, range 1-3600000)

Exit codes: 0 healthy (200), 1 unhealthy or unreachable, 2 usage error. Prints one line.
`

export interface HealthArgs { admin: URL; token: string | null; ready: boolean; timeoutMs: number }

export function parseHealthArgs (argv: string[], env: NodeJS.ProcessEnv): HealthArgs | 'help' {
  const { values, help } = parseFlags(argv, {
    admin: { type: 'string' }, 'admin-token': { type: 'string' }, ready: { type: 'boolean' }, timeout: { type: 'string' }
  }, 'health')
  if (help) return 'help'
  return {
    admin: adminTarget(str(values.admin), env),
    token: adminToken(str(values['admin-token']), env),
    ready: values.ready === true,
    timeoutMs: millis('--timeout', str(values.timeout), DEFAULT_HEALTH_TIMEOUT_MS)
  }
}

interface Answer { status: number; body: string }

async function get (url: URL, token: string | null, timeoutMs: number): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token !== null) headers.authorization = `Bearer ${token}`
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<Answer>((resolve, reject) => {
    const req = send(url, { method: 'GET', headers, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= MAX_BODY_BYTES) chunks.push(chunk)
      })
      res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }) })
      res.on('error', (err) => { clearTimeout(timer); reject(err) })
    })
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs)
    req.on('error', (err) => { clearTimeout(timer); reject(err) })
    req.end()
  })
}

/** The fixed status words of /readyz, if the body has them; nothing else is echoed. */
function readyDetail (body: string): string {
  let parsed: unknown
  try { parsed = JSON.parse(body) } catch { return '' }
  if (typeof parsed !== 'object' || parsed === null) return ''
  const words: string[] = []
  const upstream = 'upstream' in parsed ? parsed.upstream : undefined
  const traffic = 'traffic' in parsed ? parsed.traffic : undefined
  if (upstream === 'reachable' || upstream === 'unreachable') words.push(`upstream ${upstream}`)
  if (traffic === 'listening' || traffic === 'closed') words.push(`traffic listener ${traffic}`)
  return words.length === 0 ? '' : `: ${words.join(', ')}`
}

export const health: Command = async (argv: string[], io: CliIO): Promise<number> => {
  let args: HealthArgs | 'help'
  try {
    args = parseHealthArgs(argv, io.env)
  } catch (err) {
    if (err instanceof UsageError) { io.stderr(`hopwatch health: ${err.message}\n`); return EXIT_USAGE }
    throw err
  }
  if (args === 'help') { io.stdout(HEALTH_HELP); return EXIT_OK }
  const path = args.ready ? '/readyz' : '/healthz'
  const url = new URL(path, args.admin)
  const where = `GET ${path} on ${url.origin}`
  let answer: Answer
  try {
    answer = await get(url, args.token, args.timeoutMs)
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error'
    io.stderr(`hopwatch health: unreachable: ${where} failed (${code})\n`)
    return EXIT_FINDINGS
  }
  if (answer.status === 200) {
    io.stdout(`hopwatch health: ${args.ready ? 'ready' : 'ok'}: ${where} answered 200\n`)
    return EXIT_OK
  }
  if (answer.status === 401 || answer.status === 403) {
    const hint = args.token === null ? 'set HOPWATCH_ADMIN_TOKEN' : 'the token given is not the admin token'
    io.stderr(`hopwatch health: refused: ${where} answered ${answer.status} (${hint})\n`)
    return EXIT_FINDINGS
  }
  if (answer.status === 421) {
    io.stderr(`hopwatch health: refused: ${where} answered 421 (a token-less admin answers only localhost, 127.0.0.1, [::1] or its --admin host)\n`)
    return EXIT_FINDINGS
  }
  const detail = args.ready ? readyDetail(answer.body) : ''
  io.stderr(`hopwatch health: ${args.ready ? 'not ready' : 'unhealthy'}: ${where} answered ${answer.status}${detail}\n`)
  return EXIT_FINDINGS
}
