// The request mix the load generator sends, as raw HTTP/1.1 requests. Every credential is
// synthetic (made up here, signed by nothing). 'bench' is the steady mix of the timed rounds;
// 'soak' adds statuses (3xx/4xx/5xx/204), Set-Cookie answers and odd credential shapes.

/** 'users' is the cardinality mix of users.ts (built in Lua per request, not a fixed list). */
export type Mix = 'bench' | 'soak' | 'users'

function b64url (value: string): string {
  return Buffer.from(value).toString('base64url')
}

/** A JWT-shaped token with a fake signature (nothing verifies it). */
function fakeJwt (sub: string, exp: number): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'bench-key-1' }))
  const claims = b64url(JSON.stringify({ iss: 'https://auth.bench.example', aud: 'bench-api', sub, exp, iat: 1_700_000_000, scope: 'orders:read orders:write' }))
  const signature = b64url(`synthetic-signature-${sub}-`.repeat(8)).slice(0, 342)
  return `${header}.${claims}.${signature}`
}

const JWT = fakeJwt('user-42', 2_000_000_000)
const STALE_JWT = fakeJwt('user-7', 1_600_000_000)
const BASIC = Buffer.from('bench-user:synthetic-password').toString('base64')
const COOKIE = 'session=s%3Asynthetic.0123456789abcdef; csrftoken=synthetic-csrf-4f2a; theme=dark; _ga=GA1.1.123456.789'
const API_KEY = 'hk_test_synthetic_5f9c2e7a1b3d4c6e'
const MANY_COOKIES = Array.from({ length: 40 }, (_, i) => `c${i}=synthetic-${i}`).join('; ')
const ORDER_BODY = JSON.stringify({ sku: 'BENCH-1', quantity: 2, note: 'synthetic order from the bench' })

interface Shape { method: string; path: string; headers: Array<[string, string]>; body?: string }

const COMMON: Array<[string, string]> = [['User-Agent', 'hopwatch-bench/1'], ['Accept', 'application/json']]

const BENCH: Shape[] = [
  { method: 'GET', path: '/api/orders/1842?expand=items', headers: [['Authorization', `Bearer ${JWT}`]] },
  { method: 'GET', path: '/api/users/42', headers: [['Authorization', `Basic ${BASIC}`]] },
  { method: 'GET', path: '/account/settings', headers: [['Cookie', COOKIE]] },
  { method: 'GET', path: '/api/v1/metrics?window=5m', headers: [['X-Api-Key', API_KEY]] },
  { method: 'GET', path: '/static/app.js', headers: [] },
  { method: 'GET', path: '/unauth/admin/users', headers: [['Authorization', `Bearer ${STALE_JWT}`]] },
  { method: 'GET', path: '/api/orders/1843', headers: [['Authorization', `Bearer ${JWT}`]] },
  { method: 'POST', path: '/api/orders', headers: [['Authorization', `Bearer ${JWT}`], ['Content-Type', 'application/json']], body: ORDER_BODY },
  { method: 'GET', path: '/healthz', headers: [] },
  { method: 'GET', path: '/api/search?q=widgets&page=2', headers: [['Authorization', `Bearer ${JWT}`], ['Cookie', COOKIE]] }
]

const SOAK_EXTRA: Shape[] = [
  { method: 'GET', path: '/status/404', headers: [['X-Auth-Token', 'synthetic-auth-token-9a8b7c']] },
  { method: 'GET', path: '/status/500', headers: [['Authorization', `Bearer ${JWT}`]] },
  { method: 'GET', path: '/status/302', headers: [['Cookie', COOKIE]] },
  { method: 'GET', path: '/status/204', headers: [['X-Api-Key', API_KEY]] },
  { method: 'GET', path: '/login', headers: [['Authorization', `Basic ${BASIC}`]] },
  { method: 'GET', path: '/status/403', headers: [['authorization', `Bearer ${STALE_JWT}`]] },
  { method: 'GET', path: '/api/dup', headers: [['Authorization', `Bearer ${JWT}`], ['Authorization', `Basic ${BASIC}`]] },
  { method: 'GET', path: '/api/proxy-auth', headers: [['Proxy-Authorization', `Basic ${BASIC}`], ['Cf-Access-Jwt-Assertion', JWT]] },
  { method: 'GET', path: '/api/cookies', headers: [['Cookie', MANY_COOKIES]] },
  { method: 'PUT', path: '/api/orders/1842', headers: [['X-Api-Key', API_KEY], ['Content-Type', 'application/json']], body: ORDER_BODY },
  { method: 'GET', path: '/unauth/reports/2026-11', headers: [] },
  { method: 'GET', path: '/api/items/550e8400-e29b-41d4-a716-446655440000', headers: [['X-Amzn-Oidc-Data', JWT]] }
]

/** How many requests of the mix the upstream answers with 4xx/5xx (wrk counts those as status errors). */
export function errorStatusShare (mix: Mix): number {
  if (mix === 'users') return 0.05
  const shapes = mix === 'bench' ? BENCH : [...BENCH, ...SOAK_EXTRA]
  const errors = shapes.filter((s) => s.path.startsWith('/unauth/') || /^\/status\/[45]/.test(s.path)).length
  return errors / shapes.length
}

function raw (shape: Shape, host: string): string {
  const lines = [`${shape.method} ${shape.path} HTTP/1.1`, `Host: ${host}`]
  for (const [name, value] of [...COMMON, ...shape.headers]) lines.push(`${name}: ${value}`)
  if (shape.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(shape.body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${shape.body ?? ''}`
}

/** Raw requests of the mix, with Host set to host:port of the target. */
export function rawRequests (mix: Exclude<Mix, 'users'>, host: string): string[] {
  const shapes = mix === 'bench' ? BENCH : [...BENCH, ...SOAK_EXTRA]
  return shapes.map((s) => raw(s, host))
}
