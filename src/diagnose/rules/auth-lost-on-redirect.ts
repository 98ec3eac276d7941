// A redirect that changes scheme, host or port while the request carried Authorization: most
// clients drop the header when they follow it, and the next hop answers 401.
import type { Exchange } from '../../capture/types.js'
import type { RedirectSeen } from '../client-memory.js'
import type { RuleMeta } from '../../rules/meta.js'
import { describeOrigin, originChanges, originOf, redirectVerdicts, type Origin } from '../redirect-clients.js'
import { NO_FINDINGS, displayName, duration, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { ExchangeView } from '../view.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'auth-lost-on-redirect',
  severity: 'warning',
  summary: 'A redirect changes origin, so clients drop Authorization when they follow it',
  description: 'Following a redirect to another scheme, host or port, browsers (fetch), undici and curl >= 7.83 ' +
    'remove Authorization; python-requests removes it on a host change and on scheme or port changes other ' +
    'than http->https on default ports; Go net/http keeps it only for the same host or a subdomain. The ' +
    'redirected request then arrives without credentials and fails with 401; that 401 is linked to the redirect ' +
    '(same client, within 30 s, Location pointing at its path) and counted here instead of as ' +
    'credential-missing-on-401. Clients that keep Authorization across origins (wget, some JDKs) leak it. When the ' +
    'Host hopwatch sees is the proxy\'s own address (NGINX\'s default `proxy_set_header Host $proxy_host`), the ' +
    'origin the client used is unknown and the finding is only informational.',
  remediation: {
    default: 'Make the redirect stay on the same origin (fix the scheme/host the app builds absolute URLs from: ' +
      'X-Forwarded-Proto / X-Forwarded-Host, `proxy_redirect`, `ProxyPassReverse`), or call the final URL directly. ' +
      'A trailing-slash redirect (`/api` -> `http://host/api/`) behind TLS termination is the classic cause.'
  },
  docs: 'docs/rules/auth-lost-on-redirect.md'
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443 }
const VISITOR_HTTPS = /"scheme"\s*:\s*"https"/
const DIGITS = /^\d+$/
const QUOTES = /^"|"$/g

function first (values: readonly string[]): string | null {
  const value = values[0]
  if (value === undefined) return null
  const comma = value.indexOf(',')
  return (comma < 0 ? value : value.slice(0, comma)).trim() || null
}

/** `proto` or `host` of the first (client-side) element of an RFC 7239 Forwarded header. */
export function forwardedParam (values: readonly string[], param: 'proto' | 'host'): string | null {
  const element = first(values)
  if (element === null) return null
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== param) continue
    const value = pair.slice(eq + 1).trim().replace(QUOTES, '')
    return value === '' ? null : value
  }
  return null
}

/**
 * True when Host is most likely the address of the proxy in front rather than the one the client
 * used: NGINX's proxy_pass defaults (`Host: $proxy_host`, HTTP/1.0, `Connection: close`) and no
 * X-Forwarded-Host / Forwarded host to say otherwise.
 */
export function hostIsProxyAddress (view: ExchangeView, exchange: Exchange): boolean {
  if (exchange.httpVersion !== '1.0') return false
  if (view.values('x-forwarded-host').length > 0 || forwardedParam(view.values('forwarded'), 'host') !== null) return false
  const connection = view.values('connection')
  return connection.some((v) => v.toLowerCase().includes('close'))
}

/** The origin the client used, from X-Forwarded-* / Forwarded (set by the layers in front) or Host. */
export function requestOrigin (view: ExchangeView): { origin: Origin, from: string } | null {
  const forwarded = view.values('forwarded')
  const host = first(view.values('x-forwarded-host')) ?? forwardedParam(forwarded, 'host') ?? first(view.values('host'))
  if (host === null) return null
  let scheme = first(view.values('x-forwarded-proto'))?.toLowerCase() ?? forwardedParam(forwarded, 'proto')?.toLowerCase() ?? null
  if (scheme === null && view.values('cf-visitor').some((v) => VISITOR_HTTPS.test(v))) scheme = 'https'
  const from = scheme === null ? 'Host' : 'the forwarded scheme and host'
  const origin = originOf(`${scheme ?? 'http'}://${host}/`)
  if (origin === null) return null
  const port = first(view.values('x-forwarded-port'))
  if (port !== null && DIGITS.test(port) && !host.includes(':')) origin.port = Number(port)
  else if (!host.includes(':') || host.endsWith(']')) origin.port = DEFAULT_PORT[origin.scheme] ?? origin.port
  return { origin, from }
}

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  const location = exchange.response.location
  if (!REDIRECTS.has(exchange.response.status) || location === null) return NO_FINDINGS
  if (!exchange.arrived.some((h) => h.key === 'authorization')) return NO_FINDINGS
  const request = requestOrigin(ctx.view)
  if (request === null) return NO_FINDINGS
  const target = originOf(location, request.origin)
  if (target === null) return NO_FINDINGS
  const changes = originChanges(request.origin, target)
  if (changes.length === 0) return NO_FINDINGS
  const verdicts = redirectVerdicts(request.origin, target)
  const drop = verdicts.filter((v) => !v.keeps).map((v) => v.client.name)
  const keep = verdicts.filter((v) => v.keeps && !v.leaks).map((v) => v.client.name)
  const leak = verdicts.filter((v) => v.leaks).map((v) => v.client.name)
  const evidence = [
    `${exchange.response.status} from ${describeOrigin(request.origin)} (from ${request.from}) to ${describeOrigin(target)}: ${changes.join(', ')} changed`,
    `drop Authorization: ${drop.length === 0 ? 'none' : drop.join('; ')}`,
    `keep it: ${keep.length === 0 ? 'none' : keep.join('; ')}`,
    `re-send it to the new origin (a credential leak): ${leak.length === 0 ? 'none' : leak.join('; ')}`
  ]
  if (request.from === 'Host' && hostIsProxyAddress(ctx.view, exchange)) {
    return [finding(meta, {
      header: 'authorization',
      layer: null,
      confidence: 'possible',
      severity: 'info',
      evidence: [
        ...evidence,
        'the origin the client used is unknown: Host is the proxy\'s own address (HTTP/1.0, Connection: close, no X-Forwarded-Host: NGINX\'s proxy_pass defaults), so this may be a same-origin redirect'
      ],
      summary: 'A redirect whose target differs from the proxy\'s address; whether the client\'s origin changes is unknown',
      remediation: 'Let the app and hopwatch see the origin the client used: `proxy_set_header Host $host;` and ' +
        '`proxy_set_header X-Forwarded-Proto $scheme;` in NGINX (Apache: `ProxyPreserveHost On`).'
    })]
  }
  return [finding(meta, {
    header: 'authorization',
    layer: null,
    confidence: request.from === 'Host' && changes.includes('scheme') ? 'possible' : 'likely',
    evidence
  })]
}

const LOCATION_BASE = 'http://location.invalid'

/** The path a Location points at (query left out), or null when it cannot be parsed. */
function locationPath (location: string): string | null {
  try {
    return new URL(location, LOCATION_BASE).pathname
  } catch {
    return null
  }
}

/**
 * A 401 without credentials right after a redirect of the same client to this path: the finding
 * is the redirect's, grouped under the redirect's route (one finding, not two).
 */
export function linkedRedirect (exchange: Exchange, ctx: RuleContext): ReturnType<typeof finding> | null {
  const redirect = ctx.clients.redirectTo(exchange, (r: RedirectSeen) => r.carried.length > 0 && locationPath(r.location) === exchange.path)
  if (redirect === null) return null
  const carried = redirect.carried.map(displayName).join(', ')
  return finding(meta, {
    header: redirect.carried.includes('authorization') ? 'authorization' : (redirect.carried[0] ?? null),
    layer: null,
    confidence: 'certain',
    route: redirect.route,
    evidence: [
      `the ${redirect.status} of exchange ${redirect.exchangeId} on ${redirect.route} carried ${carried}`,
      `the same client (same forwarded address and User-Agent) followed it ${duration(exchange.startedAt - redirect.atMs)} later to ${exchange.route} (exchange ${exchange.id}) with no credential, and the upstream answered 401`,
      'the redirect is the cause: no layer in front is blamed'
    ],
    summary: 'A redirect made the client drop its credential: the call it led to was answered 401'
  })
}

export const rule: RuntimeRule = { meta, check }
