// What each layer leaves in the request headers, as a lookup table. `strong` evidence alone makes
// a layer likely; `weak` evidence only makes it possible. Sources are cited in docs/rules/credential-missing-on-401.md.
import type { Exchange } from '../../capture/types.js'
import type { LayerId } from '../../rules/meta.js'
import type { ExchangeView } from '../view.js'

export interface Clue {
  text: string
  strong: boolean
}

export interface Signature {
  id: LayerId
  /** Request header names (display casing) whose presence is strong evidence. */
  strong: readonly string[]
  /** Request header names whose presence is weak evidence. */
  weak: readonly string[]
  /** Lower-case name prefixes that are strong evidence (`x-envoy-`). */
  prefixes: readonly string[]
  /** Tested against `received-by (comment)` of each Via entry: a match is strong evidence. */
  via: RegExp | null
  /** Clues that need more than a header name (values, combinations, the HTTP version). */
  extra: ((view: ExchangeView, exchange: Exchange) => Clue[]) | null
  /** When one of these layers is seen, a sighting of this one on weak evidence only is dropped. */
  yieldsTo: readonly LayerId[]
}

const FORWARDED_X = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-server']

function cloudflareExtra (view: ExchangeView): Clue[] {
  for (const value of view.values('cdn-loop')) {
    if (value.toLowerCase().includes('cloudflare')) return [{ text: 'CDN-Loop: cloudflare', strong: true }]
  }
  return []
}

/**
 * ngx_http_proxy_module defaults: proxy_http_version 1.0 and `Connection: close`. With no
 * X-Forwarded-* at all it is the untouched proxy_pass (strong); with them, still likely nginx
 * (Apache, HAProxy, Envoy and Traefik speak HTTP/1.1 upstream) but only a weak clue.
 */
function nginxExtra (view: ExchangeView, exchange: Exchange): Clue[] {
  if (exchange.httpVersion !== '1.0') return nginxRecipe(view)
  const connection = view.values('connection')
  const close = connection.length > 0
    ? connection.some((v) => v.toLowerCase().includes('close'))
    : view.has('connection')
  if (!close) return []
  for (const name of FORWARDED_X) {
    if (view.has(name)) return [{ text: 'HTTP/1.0 with Connection: close (proxy_http_version default)', strong: false }]
  }
  return [{ text: 'HTTP/1.0 with Connection: close and no X-Forwarded-* (proxy_pass defaults)', strong: true }]
}

/**
 * The usual NGINX recipe (`proxy_set_header X-Real-IP $remote_addr; X-Forwarded-For
 * $proxy_add_x_forwarded_for;`): X-Real-IP spelled as NGINX configs write it, next to
 * X-Forwarded-For, without Apache's X-Forwarded-Server. With the X-Real-IP clue itself, two weak
 * clues agree: likely.
 */
function nginxRecipe (view: ExchangeView): Clue[] {
  if (!view.rawNames.includes('X-Real-IP') || !view.has('x-forwarded-for') || view.has('x-forwarded-server')) return []
  return [{ text: 'X-Forwarded-For next to X-Real-IP, no X-Forwarded-Server (the NGINX proxy_set_header recipe)', strong: false }]
}

/** ingress-nginx's template sets X-Request-ID, X-Real-IP and X-Scheme / X-Forwarded-Scheme together. */
function ingressExtra (view: ExchangeView): Clue[] {
  const scheme = view.has('x-scheme') || view.has('x-forwarded-scheme')
  if (scheme && view.has('x-request-id') && view.has('x-real-ip')) {
    return [{ text: 'X-Request-ID + X-Real-IP + X-Scheme/X-Forwarded-Scheme (ingress-nginx template)', strong: true }]
  }
  return []
}

/** mod_proxy_http (ProxyAddHeaders On, the default) adds X-Forwarded-For, -Host and -Server, nothing else. */
function apacheExtra (view: ExchangeView): Clue[] {
  const trio = view.has('x-forwarded-for') && view.has('x-forwarded-host') && view.has('x-forwarded-server')
  if (trio && !view.has('x-forwarded-port') && !view.has('x-real-ip') && !view.has('x-forwarded-proto')) {
    return [{ text: 'X-Forwarded-For + X-Forwarded-Host + X-Forwarded-Server only (mod_proxy defaults)', strong: true }]
  }
  if (view.has('x-forwarded-host') && view.has('x-forwarded-for') && !view.has('x-forwarded-server')) {
    return [{ text: 'X-Forwarded-Host with X-Forwarded-For', strong: false }]
  }
  return []
}

/** Traefik writes Go-canonical names (`X-Real-Ip`) and adds X-Forwarded-Server, -Port and -Proto. */
function traefikExtra (view: ExchangeView): Clue[] {
  const out: Clue[] = []
  if (view.rawNames.includes('X-Real-Ip')) out.push({ text: 'X-Real-Ip (Go canonical casing)', strong: true })
  if (view.has('x-forwarded-server') && view.has('x-forwarded-port') && view.has('x-forwarded-proto')) {
    out.push({ text: 'X-Forwarded-Server + X-Forwarded-Port + X-Forwarded-Proto', strong: true })
  }
  return out
}

/** Envoy/Istio tracing: x-request-id together with Zipkin B3 headers. */
function envoyExtra (view: ExchangeView): Clue[] {
  if (view.has('x-request-id') && view.hasPrefix('x-b3-')) return [{ text: 'x-request-id with x-b3-*', strong: false }]
  return []
}

/** HAProxy 2.x (HTX) forwards every name in lower case; `option forwardfor` adds x-forwarded-for, nothing else. */
function haproxyExtra (view: ExchangeView): Clue[] {
  if (view.rawNames.length < 3 || !view.has('x-forwarded-for')) return []
  for (const name of view.rawNames) if (name !== name.toLowerCase()) return []
  for (const name of FORWARDED_X) if (name !== 'x-forwarded-for' && view.has(name)) return []
  if (view.has('x-real-ip') || view.has('via') || view.has('forwarded')) return []
  return [
    { text: 'every header name in lower case (HAProxy HTX)', strong: false },
    { text: 'x-forwarded-for alone (option forwardfor)', strong: false }
  ]
}

/** Go's canonical form: `X-Forwarded-For`, `X_api_key` (what net/http writes). */
const GO_CANONICAL = /^(?:[A-Z0-9][a-z0-9_.!#$%&'*+^`|~]*)(?:-[A-Z0-9][a-z0-9_.!#$%&'*+^`|~]*)*$/

/** Caddy's reverse_proxy adds X-Forwarded-For, -Host and -Proto only, and writes every name in Go's canonical form. */
function caddyExtra (view: ExchangeView): Clue[] {
  if (!view.has('x-forwarded-for') || !view.has('x-forwarded-host') || !view.has('x-forwarded-proto')) return []
  if (view.has('x-forwarded-server') || view.has('x-forwarded-port') || view.has('x-real-ip') || view.has('x-host') || view.has('via')) return []
  const clues: Clue[] = [{ text: 'X-Forwarded-For + X-Forwarded-Host + X-Forwarded-Proto only (Caddy reverse_proxy defaults)', strong: false }]
  if (view.rawNames.every((name) => GO_CANONICAL.test(name))) clues.push({ text: 'every header name in Go canonical form', strong: false })
  return clues
}

export const SIGNATURES: readonly Signature[] = [
  {
    id: 'cloudflare',
    strong: ['CF-Ray', 'CF-Connecting-IP', 'CF-Visitor', 'CF-Worker'],
    weak: ['CF-IPCountry', 'Cf-Access-Jwt-Assertion'],
    prefixes: [],
    via: null,
    extra: cloudflareExtra,
    yieldsTo: []
  },
  {
    id: 'cloudfront',
    strong: ['X-Amz-Cf-Id'],
    weak: ['CloudFront-Viewer-Country', 'CloudFront-Forwarded-Proto', 'CloudFront-Is-Desktop-Viewer', 'CloudFront-Viewer-Address'],
    prefixes: [],
    via: /cloudfront/i,
    extra: null,
    yieldsTo: []
  },
  {
    id: 'aws-api-gateway',
    strong: ['X-Amzn-Apigateway-Api-Id'],
    weak: ['X-Amzn-Vpce-Id'],
    prefixes: ['x-amzn-remapped-'],
    via: null,
    extra: null,
    yieldsTo: []
  },
  {
    id: 'aws-alb',
    strong: ['X-Amzn-Oidc-Data', 'X-Amzn-Oidc-Accesstoken', 'X-Amzn-Oidc-Identity', 'X-Amzn-Tls-Version', 'X-Amzn-Mtls-Clientcert'],
    weak: ['X-Amzn-Trace-Id'],
    prefixes: [],
    via: null,
    extra: null,
    yieldsTo: ['aws-api-gateway']
  },
  { id: 'nginx', strong: [], weak: ['X-Real-IP'], prefixes: [], via: /nginx/i, extra: nginxExtra, yieldsTo: ['ingress-nginx', 'traefik'] },
  {
    id: 'ingress-nginx',
    strong: [],
    weak: ['X-Original-Forwarded-For'],
    prefixes: [],
    via: null,
    extra: ingressExtra,
    yieldsTo: []
  },
  { id: 'apache', strong: [], weak: ['X-Forwarded-Server'], prefixes: [], via: /apache/i, extra: apacheExtra, yieldsTo: ['traefik', 'caddy', 'lighttpd'] },
  { id: 'traefik', strong: [], weak: [], prefixes: [], via: /traefik/i, extra: traefikExtra, yieldsTo: [] },
  {
    id: 'envoy',
    strong: ['X-Forwarded-Client-Cert'],
    weak: [],
    prefixes: ['x-envoy-'],
    via: /envoy/i,
    extra: envoyExtra,
    yieldsTo: []
  },
  { id: 'varnish', strong: ['X-Varnish'], weak: [], prefixes: [], via: /varnish/i, extra: null, yieldsTo: [] },
  // Measured on the Debian servers: docs/layers.md.
  { id: 'haproxy', strong: [], weak: [], prefixes: [], via: /haproxy/i, extra: haproxyExtra, yieldsTo: [] },
  { id: 'caddy', strong: [], weak: [], prefixes: [], via: /caddy/i, extra: caddyExtra, yieldsTo: ['traefik', 'lighttpd'] },
  { id: 'squid', strong: [], weak: ['Surrogate-Capability'], prefixes: [], via: /squid/i, extra: null, yieldsTo: [] },
  { id: 'lighttpd', strong: ['X-Host'], weak: [], prefixes: [], via: /lighttpd/i, extra: null, yieldsTo: [] }
]
