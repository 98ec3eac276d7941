// `hopwatch probe URL [--hop URL]... --probe-secret S [--header NAME]... [--method M]
//  [--format text|json] [--timeout MS] [--require required|all]`
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js'
import { list, millis, oneOf, parseFlags, str, UsageError } from '../config/flags.js'
import { probeExitCode, toJson, toText, type RequireMode } from '../probe/format.js'
import { runProbe } from '../probe/run.js'
import { ProbeError } from '../probe/send.js'
import { isPortableHeaderName } from '../capture/credential-names.js'
import { MIN_PROBE_SECRET_LENGTH } from '../config/defaults.js'

export const DEFAULT_TIMEOUT_MS = 5_000
export const MIN_SECRET_LENGTH = MIN_PROBE_SECRET_LENGTH
const MAX_HOPS = 10
const MAX_HEADERS = 20
const BATTERY_NAMES = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x_api_key', 'access_token', 'x-hopwatch-canary', 'connection', 'host'])

export const PROBE_HELP = `Usage: hopwatch probe URL [--hop URL]... --probe-secret S [flags]

Sends signed canary credentials of every common shape through the chain at URL (and through
each deeper --hop), and prints, per hop and per header, whether it arrived intact, dropped,
modified, renamed, added, blocked, or unreached (no hopwatch tap answered).

Flags:
  --hop URL              a deeper entry of the chain, outermost first (repeatable)
  --probe-secret S       the secret the taps were started with (or HOPWATCH_PROBE_SECRET),
                         at least ${MIN_SECRET_LENGTH} characters
  --header NAME          also send a canary in this header; it is required (repeatable)
  --method M             request method, default GET
  --format text|json     default text
  --timeout MS           per request, default ${DEFAULT_TIMEOUT_MS}, range 1-600000
  --require required|all which shapes decide the exit code, default required
  --follow-cross-origin  follow redirects to another origin and send it fresh canaries (as
                         curl --location-trusted would); without it only same-origin redirects
                         are followed and nothing is sent to another origin
  --allow-cross-origin-redirect
                         a redirect to another origin is intended: follow it (implies
                         --follow-cross-origin) and do not fail on it

Exit codes: 0 every required credential arrived intact at every hop and no redirect changed
origin on the way, 1 some did not, no tap answered, or a redirect changed origin (browsers,
fetch, curl -L and requests drop Authorization on it) without --allow-cross-origin-redirect,
2 usage or connection error.
`

interface Parsed {
  target: string
  hops: string[]
  secret: string
  headers: string[]
  method: string
  format: 'text' | 'json'
  timeoutMs: number
  require: RequireMode
  followCrossOrigin: boolean
  allowCrossOriginRedirect: boolean
}

function httpUrl (value: string, flag: string): string {
  let url: URL
  try { url = new URL(value) } catch { throw new UsageError(`${flag} must be an absolute http:// or https:// URL.`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http:// or https:// URL.`)
  return url.toString()
}

export function parseProbeArgs (argv: string[], env: NodeJS.ProcessEnv): Parsed | 'help' {
  const { values, positionals, help } = parseFlags(argv, {
    hop: { type: 'string', multiple: true },
    'probe-secret': { type: 'string' },
    header: { type: 'string', multiple: true },
    method: { type: 'string' },
    format: { type: 'string' },
    timeout: { type: 'string' },
    require: { type: 'string' },
    'follow-cross-origin': { type: 'boolean' },
    'allow-cross-origin-redirect': { type: 'boolean' }
  }, 'probe', true)
  if (help) return 'help'
  const hops = list(values.hop).map((hop) => httpUrl(hop, '--hop'))
  const headers = list(values.header)
  const secret = str(values['probe-secret']) ?? env.HOPWATCH_PROBE_SECRET ?? ''
  const method = (str(values.method) ?? 'GET').toUpperCase()
  const format = oneOf('--format', str(values.format), ['text', 'json'] as const, 'text')
  const timeoutMs = millis('--timeout', str(values.timeout), DEFAULT_TIMEOUT_MS, 1, 600_000)
  const require = oneOf('--require', str(values.require), ['required', 'all'] as const, 'required')
  if (positionals.length !== 1) throw new UsageError('give exactly one URL: the public entry of the chain.')
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new UsageError(`--probe-secret (or HOPWATCH_PROBE_SECRET) must be set to the taps' secret, at least ${MIN_SECRET_LENGTH} characters.`)
  }
  if (hops.length > MAX_HOPS) throw new UsageError(`at most ${MAX_HOPS} --hop URLs.`)
  if (headers.length > MAX_HEADERS) throw new UsageError(`at most ${MAX_HEADERS} --header names.`)
  for (const h of headers) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/.test(h)) throw new UsageError(`--header ${JSON.stringify(h.slice(0, 64))} is not a valid header name.`)
    if (BATTERY_NAMES.has(h.toLowerCase())) throw new UsageError(`--header ${h} is already part of the canary battery.`)
  }
  if (!/^[A-Z]{1,16}$/.test(method)) throw new UsageError('--method must be a method name such as GET or POST.')
  if (method === 'HEAD' || method === 'CONNECT') throw new UsageError(`--method ${method} cannot carry the tap's answer: use GET (the default) or POST.`)
  const allowCrossOriginRedirect = values['allow-cross-origin-redirect'] === true
  const followCrossOrigin = allowCrossOriginRedirect || values['follow-cross-origin'] === true
  return { target: httpUrl(positionals[0] as string, 'URL'), hops, secret, headers, method, format, timeoutMs, require, followCrossOrigin, allowCrossOriginRedirect }
}

export const probe: Command = async (argv: string[], io: CliIO): Promise<number> => {
  let parsed: Parsed | 'help'
  try {
    parsed = parseProbeArgs(argv, io.env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    io.stderr(`hopwatch probe: ${err.message}\n`)
    return EXIT_USAGE
  }
  if (parsed === 'help') { io.stdout(PROBE_HELP); return EXIT_OK }
  const unportable = parsed.headers.filter((h) => !isPortableHeaderName(h))
  if (unportable.length > 0) io.stderr(`hopwatch probe: note: ${unportable.join(', ')} contain characters NGINX and Apache drop by default.\n`)
  try {
    const report = await runProbe({
      target: parsed.target,
      hops: parsed.hops,
      secret: parsed.secret,
      headers: parsed.headers,
      method: parsed.method,
      timeoutMs: parsed.timeoutMs,
      followCrossOrigin: parsed.followCrossOrigin,
      allowCrossOriginRedirect: parsed.allowCrossOriginRedirect
    })
    io.stdout(parsed.format === 'json' ? toJson(report, parsed.require) : toText(report, parsed.require))
    return probeExitCode(report, parsed.require)
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err
    io.stderr(`hopwatch probe: ${err.message}\n`)
    return EXIT_USAGE
  }
}
