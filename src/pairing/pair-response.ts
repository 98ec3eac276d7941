// Response headers across the taps: what the app answered (origin tap) against what reached the
// edge tap, for the headers that carry authentication: WWW-Authenticate, Proxy-Authenticate,
// Set-Cookie (names and attributes) and Location. A removed or changed challenge is seen
// happen (certain) and blamed on the layers between. Names, schemes, attribute names and
// origins only: never a cookie value, a realm's secret or a Location's path and query.
import type { Challenge, ResponseSummary, SetCookieSummary } from '../capture/types.js'
import { describeOrigin, originOf } from '../diagnose/redirect-clients.js'
import type { Severity } from '../rules/meta.js'

export interface ResponseChange {
  header: 'www-authenticate' | 'proxy-authenticate' | 'set-cookie' | 'location'
  what: 'removed' | 'changed' | 'added'
  severity: Severity
  /** Counts, schemes, cookie and attribute names, origins. */
  detail: string
  /** The directives that do it, per layer, for the fix text. */
  cause: string
}

const HIDE_CHALLENGE = 'NGINX: `proxy_hide_header WWW-Authenticate;` (or `Proxy-Authenticate`) or `proxy_intercept_errors on;` with an ' +
  'error_page for 401; Apache: `Header unset WWW-Authenticate` or `ProxyErrorOverride On`. Remove it, or pass the ' +
  'challenge through (`proxy_pass_header`), so clients learn how to authenticate.'
const COOKIE_CAUSE = 'NGINX: `proxy_hide_header Set-Cookie`, `proxy_cookie_path`, `proxy_cookie_domain`, `proxy_cookie_flags`; ' +
  'Apache: `Header unset Set-Cookie`, `ProxyPassReverseCookiePath` / `ProxyPassReverseCookieDomain`, `Header edit Set-Cookie`.'
const LOCATION_CAUSE = 'NGINX: `proxy_redirect` (on by default: it rewrites the upstream address to the server\'s); ' +
  'Apache: `ProxyPassReverse`. Expected when the app builds Location from its own address.'

function challengeKey (c: Challenge): string {
  return `${c.scheme.toLowerCase()}|${c.realm ?? ''}|${c.error ?? ''}|${[...c.params].sort().join(',')}`
}

function schemes (list: readonly Challenge[]): string {
  return list.map((c) => c.scheme).join(', ')
}

function compareChallenges (header: 'www-authenticate' | 'proxy-authenticate', origin: readonly Challenge[], edge: readonly Challenge[]): ResponseChange | null {
  if (origin.length === 0 && edge.length === 0) return null
  const name = header === 'www-authenticate' ? 'WWW-Authenticate' : 'Proxy-Authenticate'
  if (edge.length === 0) {
    return { header, what: 'removed', severity: 'error', cause: HIDE_CHALLENGE, detail: `origin tap: ${name} ${schemes(origin)} (${origin.length}); edge tap: none` }
  }
  if (origin.length === 0) {
    return { header, what: 'added', severity: 'info', cause: HIDE_CHALLENGE, detail: `origin tap: none; edge tap: ${name} ${schemes(edge)} (added by a layer between)` }
  }
  const a = origin.map(challengeKey).sort().join(';')
  const b = edge.map(challengeKey).sort().join(';')
  if (a === b) return null
  return {
    header,
    what: 'changed',
    severity: 'warning',
    cause: HIDE_CHALLENGE,
    detail: `origin tap: ${name} ${schemes(origin)} (${origin.length}); edge tap: ${schemes(edge)} (${edge.length}), realm, error or parameters differ`
  }
}

function compareCookies (origin: readonly SetCookieSummary[], edge: readonly SetCookieSummary[]): ResponseChange | null {
  if (origin.length === 0 && edge.length === 0) return null
  const byName = new Map(edge.map((c) => [c.name, c]))
  const removed = origin.filter((c) => !byName.has(c.name)).map((c) => c.name)
  const changed: string[] = []
  for (const c of origin) {
    const e = byName.get(c.name)
    if (e === undefined) continue
    const before = new Set(c.attributes.map((x) => x.toLowerCase()))
    const after = new Set(e.attributes.map((x) => x.toLowerCase()))
    const plus = e.attributes.filter((x) => !before.has(x.toLowerCase()))
    const minus = c.attributes.filter((x) => !after.has(x.toLowerCase()))
    if (plus.length > 0 || minus.length > 0) changed.push(`${c.name} (${[...plus.map((x) => `+${x}`), ...minus.map((x) => `-${x}`)].join(' ')})`)
  }
  const originNames = new Set(origin.map((c) => c.name))
  const added = edge.filter((c) => !originNames.has(c.name)).map((c) => c.name)
  if (removed.length > 0) {
    return { header: 'set-cookie', what: 'removed', severity: 'warning', cause: COOKIE_CAUSE, detail: `Set-Cookie removed between the taps: ${removed.join(', ')}` }
  }
  if (changed.length > 0) {
    return { header: 'set-cookie', what: 'changed', severity: 'info', cause: COOKIE_CAUSE, detail: `Set-Cookie attributes changed between the taps: ${changed.join('; ')}` }
  }
  if (added.length > 0) {
    return { header: 'set-cookie', what: 'added', severity: 'info', cause: COOKIE_CAUSE, detail: `Set-Cookie added between the taps: ${added.join(', ')}` }
  }
  return null
}

function originLabel (location: string): string {
  const origin = originOf(location)
  return origin === null ? 'a relative Location' : describeOrigin(origin)
}

function compareLocation (origin: string | null, edge: string | null): ResponseChange | null {
  if (origin === edge || origin === null) return null
  if (edge === null) {
    return { header: 'location', what: 'removed', severity: 'warning', cause: LOCATION_CAUSE, detail: `origin tap: Location to ${originLabel(origin)}; edge tap: none` }
  }
  return {
    header: 'location',
    what: 'changed',
    severity: 'info',
    cause: LOCATION_CAUSE,
    detail: `Location rewritten between the taps: origin tap ${originLabel(origin)}, edge tap ${originLabel(edge)}`
  }
}

/** What the layers between the taps did to the response headers that carry authentication. */
export function compareResponses (origin: ResponseSummary, edge: ResponseSummary): ResponseChange[] {
  const out: ResponseChange[] = []
  // A response the edge tap made itself (502, 504) says nothing about the layers.
  if (origin.source !== 'upstream' || edge.source !== 'upstream') return out
  for (const change of [
    compareChallenges('www-authenticate', origin.wwwAuthenticate, edge.wwwAuthenticate),
    compareChallenges('proxy-authenticate', origin.proxyAuthenticate, edge.proxyAuthenticate),
    compareCookies(origin.setCookies, edge.setCookies),
    compareLocation(origin.location, edge.location)
  ]) if (change !== null) out.push(change)
  return out
}
