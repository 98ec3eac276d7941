// What strips a credential header at each layer, and the line that fixes it. Used by every rule
// that blames a layer for a missing credential. Sources per layer: docs/rules/credential-missing-on-401.md.
import type { LayerId } from '../rules/meta.js'

export const STRIP_CAUSES: Readonly<Partial<Record<LayerId | 'default', string>>> = {
  nginx: 'NGINX: look for `proxy_set_header Authorization "";` in the server/location. `proxy_set_header` is ' +
    'inherited from the enclosing level only when the current level defines none, so one `proxy_set_header` ' +
    'in a location silently drops the ones set in `server`/`http`. Names with underscores are dropped unless ' +
    '`underscores_in_headers on;`. Fix: remove the clearing line, or add `proxy_set_header Authorization $http_authorization;` ' +
    'to the location that proxies.',
  'ingress-nginx': 'ingress-nginx: check the Ingress annotations. With `nginx.ingress.kubernetes.io/auth-url` only the ' +
    'headers listed in `auth-response-headers` are passed on; a `configuration-snippet` with ' +
    '`proxy_set_header Authorization "";` clears it; underscore names need `enable-underscores-in-headers: "true"` in the ConfigMap.',
  apache: 'Apache httpd: look for `RequestHeader unset Authorization` (mod_headers). CGI, FastCGI and php-fpm ' +
    'backends do not get Authorization unless `CGIPassAuth On` (2.4.13+) or ' +
    '`SetEnvIf Authorization "(.*)" HTTP_AUTHORIZATION=$1`.',
  cloudflare: 'Cloudflare: look for a Transform Rule (Modify Request Header: Remove) or a Worker that builds a new ' +
    'Request without the header. Cloudflare also removes header names NGINX considers invalid (for example with a dot).',
  cloudfront: 'CloudFront: Authorization is forwarded only when the cache policy of the behaviour includes it in the ' +
    'cache key (an origin request policy cannot forward it unless caching is disabled: AllViewer / ' +
    'AllViewerExceptHostHeader). Legacy settings: add Authorization to the forwarded headers.',
  'aws-api-gateway': 'API Gateway: a REST API non-proxy HTTP integration passes only mapped headers: add ' +
    '`integration.request.header.Authorization` = `method.request.header.Authorization`. API Gateway renames ' +
    'reserved headers to `x-amzn-Remapped-*`.',
  'aws-alb': 'ALB: with an authenticate-oidc / authenticate-cognito action the user token arrives as ' +
    '`x-amzn-oidc-accesstoken` and `x-amzn-oidc-data` instead of Authorization: read those (and verify the ' +
    'signature of x-amzn-oidc-data).',
  envoy: 'Envoy/Istio: a RequestAuthentication removes Authorization after validating the JWT unless the jwtRule ' +
    'sets `forwardOriginalToken: true` (Envoy jwt_authn: `forward: true`). Also check `headers.request.remove` in ' +
    'VirtualServices and `request_headers_to_remove` on routes.',
  varnish: 'Varnish: look for `unset req.http.Authorization;` or `unset bereq.http.Authorization;` in vcl_recv / ' +
    'vcl_backend_fetch (often added to make responses cacheable). Use `return (pass);` for authenticated requests instead.',
  traefik: 'Traefik: a headers middleware with `customRequestHeaders: { Authorization: "" }` removes it; ForwardAuth ' +
    'only copies the headers listed in `authResponseHeaders`.',
  haproxy: 'HAProxy: look for `http-request del-header Authorization` (or `set-header` with a fixed value) in the ' +
    'frontend or backend. A request header over `tune.bufsize` (16384 bytes by default, header and line included) ' +
    'is refused with 400 before any rule: raise `tune.bufsize` for big JWTs.',
  caddy: 'Caddy: look for `header_up -Authorization` in `reverse_proxy`. Caddy (Go) never forwards ' +
    '`Proxy-Authorization`, nor a header the client nominated in `Connection`; send the credential as Authorization.',
  squid: 'Squid: an accelerator forwards neither Authorization nor Proxy-Authorization to an origin-server ' +
    '`cache_peer` unless that line has `login=PASSTHRU`; also look for `request_header_access Authorization deny`.',
  lighttpd: 'lighttpd: look for `setenv.set-request-header` / `setenv.add-request-header` setting Authorization ' +
    '(mod_setenv). Request headers over 8 KB get 431 (`server.max-request-field-size`); two Authorization lines ' +
    'reach the app joined into one (`a, b`).',
  'unknown-proxy': 'An unrecognised proxy is in front (see Via / X-Forwarded-For): check its header rules for one ' +
    'that removes the credential header.',
  default: 'No proxy was recognised in front: the client most likely did not send the credential. Check that the ' +
    'client attaches it for this host and path, and whether it followed a redirect that changed origin ' +
    '(clients drop Authorization then).'
}

/** Layers that are never blamed for stripping a request header upstream of hopwatch. */
export const NOT_BLAMEABLE: ReadonlySet<LayerId> = new Set(['client', 'hopwatch'])

const NGINX_FAMILY: ReadonlySet<LayerId | 'default'> = new Set(['nginx', 'ingress-nginx'])

/**
 * The fix text for a missing header at `layer`, the matching cause first: a non-Authorization
 * name with a hyphen (or seen with an underscore) behind NGINX leads with `underscores_in_headers`.
 */
export function stripRemedy (layer: LayerId | 'default', header: string | null, variantSeen: string | null): string {
  const causes = STRIP_CAUSES[layer] ?? STRIP_CAUSES.default ?? ''
  if (header === null || header === 'authorization' || header === 'cookie' || !NGINX_FAMILY.has(layer)) return causes
  const hyphen = header.replaceAll('_', '-')
  const underscore = header.replaceAll('-', '_')
  if (hyphen === underscore) return causes
  const seen = variantSeen === null ? '' : ` (${underscore} was seen on other calls)`
  const lead: string = layer === 'ingress-nginx'
    ? `Underscores: clients that send ${underscore}${seen} lose it at ingress-nginx: set \`enable-underscores-in-headers: "true"\` in the ConfigMap, or rename the header to ${hyphen}.`
    : `Underscores: clients that send ${underscore}${seen} lose it at NGINX, which drops names with underscores: add \`underscores_in_headers on;\` to the server block, or rename the header to ${hyphen}.`
  return `${lead} Otherwise: ${causes}`
}
