// Which HTTP clients keep or drop Authorization when they follow a redirect, by what changed.
// Shared by the auth-lost-on-redirect rule and the probe's redirect analysis.
// Sources: WHATWG Fetch ("HTTP-redirect fetch": Authorization removed on a cross-origin
// redirect); undici lib/handler/redirect-handler.js (authorization, cookie, proxy-authorization
// removed when the origin changes); curl CVE-2022-27774 / CVE-2022-27776 (since 7.83.0 custom
// Authorization and Cookie are only sent to the same host, port and scheme); python-requests
// SessionRedirectMixin.should_strip_auth; Go net/http shouldCopyHeaderOnRedirect (client.go:
// "ignored when following a redirect to a domain that is not a subdomain match or exact match").
// wget: custom `--header` lines are sent on every request of the run, the redirect's new host
// included (checked for real against two loopback origins in test/diagnose/integration/
// redirect-clients-real.test.ts). OkHttp RetryAndFollowUpInterceptor.buildRedirectRequest: "When
// redirecting across hosts, drop all authentication headers" (`canReuseConnectionFor`: scheme,
// host and port). axios on Node follows with follow-redirects, which removes Authorization,
// Proxy-Authorization and Cookie when the host (with its port) changes and is not a subdomain,
// or the scheme changes to anything but https. .NET HttpClient (SocketsHttpHandler / HttpClientHandler):
// "The Authorization header is cleared on auto-redirects" (AllowAutoRedirect remarks on
// learn.microsoft.com; dotnet/corefx#26864). Java java.net.http.HttpClient (Redirect.NORMAL,
// never https->http): copies the request's headers to the redirect; Authorization reached another
// host on JDK 21.0.6 and 23.0.2 and was stripped on 17.0.20 (measured in apache/groovy#2811),
// so it is listed as keeping it.

export interface Origin {
  scheme: string
  host: string
  port: number
}

export interface RedirectClient {
  id: string
  name: string
  /** True when the client still sends Authorization to `to` after a redirect from `from`. */
  keepsAuthorization: (from: Origin, to: Origin) => boolean
  /** The rule in one sentence. */
  rule: string
}

/** True when following the redirect sends Authorization to another origin: a credential leak. */
export function leaks (client: RedirectClient, from: Origin, to: Origin): boolean {
  return !sameOrigin(from, to) && client.keepsAuthorization(from, to)
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 }

function sameOrigin (a: Origin, b: Origin): boolean {
  return a.scheme === b.scheme && a.host === b.host && a.port === b.port
}

function isDomainOrSubdomain (sub: string, parent: string): boolean {
  if (sub === parent) return true
  return sub.endsWith(`.${parent}`) && !parent.includes(':')
}

function isDefaultPort (origin: Origin): boolean {
  return DEFAULT_PORTS[origin.scheme] === origin.port
}

export const REDIRECT_CLIENTS: readonly RedirectClient[] = [
  {
    id: 'browser-fetch',
    name: 'browsers (fetch, XHR, navigation)',
    keepsAuthorization: sameOrigin,
    rule: 'drop Authorization on any origin change (scheme, host or port)'
  },
  {
    id: 'undici',
    name: 'Node.js fetch / undici',
    keepsAuthorization: sameOrigin,
    rule: 'drops Authorization, Cookie and Proxy-Authorization on any origin change'
  },
  {
    id: 'curl',
    name: 'curl >= 7.83 (-L without --location-trusted)',
    keepsAuthorization: sameOrigin,
    rule: 'drops Authorization and Cookie when host, scheme or port changes'
  },
  {
    id: 'python-requests',
    name: 'python-requests',
    keepsAuthorization: (from, to) => {
      if (from.host !== to.host) return false
      if (from.scheme === 'http' && to.scheme === 'https' && from.port === 80 && to.port === 443) return true
      if (from.scheme === to.scheme && isDefaultPort(from) && isDefaultPort(to)) return true
      return from.scheme === to.scheme && from.port === to.port
    },
    rule: 'drops Authorization on a host change, or a scheme or port change other than http->https on default ports'
  },
  {
    id: 'go-net-http',
    name: 'Go net/http',
    keepsAuthorization: (from, to) => isDomainOrSubdomain(to.host, from.host),
    rule: 'keeps Authorization only when the new host is the same host or a subdomain of it (scheme and port ignored)'
  },
  {
    id: 'wget',
    name: 'GNU Wget (--header "Authorization: ...")',
    keepsAuthorization: () => true,
    rule: 'sends --header lines on every request it makes, the redirect\'s new origin included'
  },
  {
    id: 'java-httpclient',
    name: 'Java java.net.http.HttpClient (Redirect.NORMAL)',
    keepsAuthorization: (from, to) => !(from.scheme === 'https' && to.scheme === 'http'),
    rule: 'copies the request\'s headers to the redirect (some JDK updates strip Authorization on a host change); never follows https->http'
  },
  {
    id: 'okhttp',
    name: 'OkHttp',
    keepsAuthorization: sameOrigin,
    rule: 'drops Authorization when scheme, host or port changes'
  },
  {
    id: 'axios',
    name: 'axios on Node.js (follow-redirects)',
    keepsAuthorization: (from, to) => {
      const hostKept = (from.host === to.host && (from.port === to.port || (isDefaultPort(from) && isDefaultPort(to)))) ||
        (to.host !== from.host && isDomainOrSubdomain(to.host, from.host))
      const schemeKept = from.scheme === to.scheme || to.scheme === 'https'
      return hostKept && schemeKept
    },
    rule: 'drops Authorization when the host or port changes (a subdomain keeps it) or the scheme changes to anything but https'
  },
  {
    id: 'dotnet-httpclient',
    name: '.NET HttpClient',
    keepsAuthorization: () => false,
    rule: 'clears Authorization on every automatic redirect, the same origin included'
  }
]

/** Parse an absolute URL (or a relative one against `base`) into an Origin; null when it can't. */
export function originOf (url: string, base?: Origin): Origin | null {
  let parsed: URL
  try {
    parsed = base === undefined ? new URL(url) : new URL(url, `${base.scheme}://${base.host}:${base.port}/`)
  } catch {
    return null
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase()
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port)
  if (port === undefined || !Number.isFinite(port)) return null
  return { scheme, host: parsed.hostname.toLowerCase(), port }
}

/** `http://a.example:8080` for evidence: origins only, never paths or queries. */
export function describeOrigin (origin: Origin): string {
  const port = isDefaultPort(origin) ? '' : `:${origin.port}`
  return `${origin.scheme}://${origin.host}${port}`
}

export interface RedirectVerdict {
  client: RedirectClient
  keeps: boolean
  /** Keeps it although the origin changed: the credential goes to another origin. */
  leaks: boolean
}

export function redirectVerdicts (from: Origin, to: Origin): RedirectVerdict[] {
  return REDIRECT_CLIENTS.map((client) => ({ client, keeps: client.keepsAuthorization(from, to), leaks: leaks(client, from, to) }))
}

/** What changed between two origins: `scheme`, `host`, `port` (empty when the same origin). */
export function originChanges (from: Origin, to: Origin): string[] {
  const out: string[] = []
  if (from.scheme !== to.scheme) out.push('scheme')
  if (from.host !== to.host) out.push('host')
  if (from.port !== to.port) out.push('port')
  return out
}
