// Which request headers carry credentials, and which names proxies drop by default.

/** Built-in credential request headers, lower case. Users add more with --credential-header. */
export const BUILTIN_CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'x-auth-token',
  'cf-access-jwt-assertion',
  'x-amzn-oidc-accesstoken',
  'x-amzn-oidc-data',
  'x-amzn-remapped-authorization'
]

/** Headers whose value has the `Scheme token` shape. */
export const SCHEMED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-amzn-remapped-authorization'
])

/**
 * Authentication schemes shown by name (lower case; matched case-insensitively): the IANA HTTP
 * Authentication Scheme registry and the common unregistered ones. Any other word in the scheme
 * position (a token sent as `<token> Bearer`, a typo) is recorded as `(other)` with its length.
 */
export const KNOWN_SCHEMES: ReadonlySet<string> = new Set([
  'basic', 'bearer', 'digest', 'dpop', 'gnap', 'hoba', 'mutual', 'negotiate', 'ntlm', 'kerberos',
  'privatetoken', 'scram-sha-1', 'scram-sha-256', 'vapid', 'aws4-hmac-sha256', 'token', 'apikey',
  'api-key', 'oauth', 'hawk', 'sharedkey', 'sharedkeylite', 'signature', 'jwt', 'mac', 'concealed',
  'bot', 'ssws', 'splunk'
])

/** What stands for a scheme that is not in KNOWN_SCHEMES. */
export const OTHER_SCHEME = '(other)'

/** The scheme as it may be recorded: as sent when known, else `(other)`. */
export function shownScheme (scheme: string): string {
  return KNOWN_SCHEMES.has(scheme.toLowerCase()) ? scheme : OTHER_SCHEME
}

// RFC 9110 token characters, less the ones NGINX (underscores_in_headers off,
// ignore_invalid_headers on) and Apache (underscores since 2.4) drop: only A-Z a-z 0-9 and '-'.
const SAFE_NAME = /^[A-Za-z0-9-]+$/

/** False when NGINX or Apache would drop a header of this name with default settings. */
export function isPortableHeaderName (name: string): boolean {
  return SAFE_NAME.test(name)
}

export function credentialHeaderSet (extra: readonly string[]): Set<string> {
  const names = new Set(BUILTIN_CREDENTIAL_HEADERS)
  for (const name of extra) names.add(name.toLowerCase())
  return names
}
