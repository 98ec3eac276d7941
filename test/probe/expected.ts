// What each real server does by default with every shape of the battery, as the probe sees it
// through a pass-through reverse proxy (nginx 1.22 `proxy_pass`, Apache 2.4 `ProxyPass`).
// Found by running the battery against them; the integration tests keep these true.
export const REQUIRED_INTACT: Record<string, string> = {
  'Authorization Bearer opaque': 'intact',
  'Cookie three cookies': 'intact',
  'X-Api-Key opaque token': 'intact',
  'Authorization Bearer JWT': 'intact',
  'Authorization Bearer JWT 6 KB': 'intact',
  'Authorization Basic': 'intact'
}

export const ALL_INTACT: Record<string, string> = {
  ...REQUIRED_INTACT,
  'Authorization Digest-like': 'intact',
  'Authorization bearer (lower-case scheme)': 'intact',
  'Proxy-Authorization Basic': 'intact',
  'X_Api_Key underscore name': 'intact',
  'access_token underscore name': 'intact',
  'Authorization Bearer JWT 10 KB': 'intact',
  'Authorization two Authorization lines': 'intact',
  'Authorization nominated in Connection': 'intact'
}

/** nginx defaults: underscore names ignored (ignore_invalid_headers on, underscores_in_headers
 * off); a 10 KB line exceeds large_client_header_buffers 4 8k -> 400 "Request Header Or Cookie
 * Too Large"; a second Authorization line -> 400; Connection nominations are not honoured
 * (nginx never forwards the client's Connection header), so that Authorization arrives. */
export const NGINX_DEFAULTS: Record<string, string> = {
  ...ALL_INTACT,
  'X_Api_Key underscore name': 'dropped',
  'access_token underscore name': 'dropped',
  'Authorization Bearer JWT 10 KB': 'blocked:400',
  'Authorization two Authorization lines': 'blocked:400'
}

/** Apache defaults: underscore names are proxied; a 10 KB field exceeds LimitRequestFieldSize
 * 8190 -> 400; duplicate Authorization lines are joined into one with ", "; headers nominated in
 * Connection are removed by mod_proxy_http (RFC 9110 hop-by-hop). */
export const APACHE_DEFAULTS: Record<string, string> = {
  ...ALL_INTACT,
  'Authorization Bearer JWT 10 KB': 'blocked:400',
  'Authorization two Authorization lines': 'modified:joined',
  'Authorization nominated in Connection': 'dropped'
}

export const AUTHORIZATION_SHAPES = Object.keys(ALL_INTACT).filter((k) => k.startsWith('Authorization '))

export const SECRET = 'integration-probe-secret-0123456789'
