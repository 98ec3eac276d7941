// The cardinality mix ('users'): traffic shaped like a real staging service, where every user
// carries a credential of their own. N synthetic users (default 20,000), each with a distinct
// JWT (distinct claims and a 342-character signature), a distinct session cookie and a distinct
// API key; every request draws a user at random and a random id for its path. Nothing here is a
// real secret: the values are random bytes made per run, signed by nothing.
//
// The users are written to a data file that the wrk Lua script reads at start; the script builds
// each request when wrk asks for it (wrk.ts), so no two requests need to share a token.
import { randomBytes } from 'node:crypto'

export const DEFAULT_USERS = 20_000

/** The request kinds and their share of the mix, in percent (they add up to 100). */
export const USERS_MIX = [
  { kind: 'bearer-get', pct: 45, what: 'GET /api/orders/<id> with Authorization: Bearer <the user\'s JWT>' },
  { kind: 'bearer-401', pct: 5, what: 'GET /unauth/admin/users/<id> with the user\'s JWT: the upstream answers 401 + WWW-Authenticate' },
  { kind: 'cookie', pct: 15, what: 'GET /account/<id>/settings with the user\'s session cookie (and csrftoken, theme)' },
  { kind: 'api-key', pct: 15, what: 'GET /api/v1/metrics/<id>?window=5m with the user\'s X-Api-Key' },
  { kind: 'static', pct: 10, what: 'GET /static/<id>.js without credentials' },
  { kind: 'bearer-post', pct: 10, what: 'POST /api/orders with the user\'s JWT and a JSON body' }
] as const

const b64url = (value: string): string => Buffer.from(value).toString('base64url')
const random = (bytes: number): string => randomBytes(bytes).toString('base64url')

/** One user's JWT: distinct sub, jti, iat/exp and signature; a few issuers and key ids as in a real fleet. */
function userJwt (i: number, now: number): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: `bench-key-${i % 4}` }))
  const iat = now - (i % 3600)
  const claims = b64url(JSON.stringify({
    iss: 'https://auth.bench.example',
    aud: 'bench-api',
    sub: `user-${i}-${random(6)}`,
    jti: random(12),
    iat,
    // One user in fifty carries an expired token, as real traffic does.
    exp: i % 50 === 0 ? iat - 60 : iat + 3600 * 8,
    scope: 'orders:read orders:write'
  }))
  // 342 base64url characters: the length of an RS256 signature (256 bytes).
  const signature = randomBytes(256).toString('base64url')
  return `${header}.${claims}.${signature}`
}

/** One line per user: JWT, cookie header value and API key, tab-separated (the Lua script reads it). */
export function usersFile (count: number): string {
  const now = Math.floor(Date.now() / 1000)
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const cookie = `session=s%3A${random(24)}.${random(16)}; csrftoken=${random(18)}; theme=dark`
    const apiKey = `hk_live_${randomBytes(16).toString('hex')}`
    lines.push(`${userJwt(i, now)}\t${cookie}\t${apiKey}`)
  }
  return lines.join('\n') + '\n'
}

/** Lua that loads the users and defines `build()`, returning one raw request for a random user. */
export function usersLua (dataFile: string, host: string): string {
  const bounds: string[] = []
  let acc = 0
  for (const m of USERS_MIX) { acc += m.pct; bounds.push(`${JSON.stringify(m.kind)}, ${acc}`) }
  return `
local users = {}
for line in io.lines(${JSON.stringify(dataFile)}) do
  local jwt, cookie, key = line:match("^([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)$")
  if jwt ~= nil then users[#users + 1] = { jwt, cookie, key } end
end
local nusers = #users
local host = ${JSON.stringify(host)}
local common = "Host: " .. host .. "\\r\\nUser-Agent: hopwatch-bench/1\\r\\nAccept: application/json\\r\\n"
local body = '{"sku":"BENCH-1","quantity":2,"note":"synthetic order from the bench"}'
local kinds = { ${bounds.map((b) => `{ ${b} }`).join(', ')} }

local function kindOf (r)
  for _, k in ipairs(kinds) do if r <= k[2] then return k[1] end end
  return kinds[#kinds][1]
end

function build ()
  local u = users[math.random(nusers)]
  local id = tostring(math.random(1, 99999999))
  local kind = kindOf(math.random(100))
  if kind == "bearer-get" then
    return "GET /api/orders/" .. id .. "?expand=items HTTP/1.1\\r\\n" .. common .. "Authorization: Bearer " .. u[1] .. "\\r\\n\\r\\n"
  elseif kind == "bearer-401" then
    return "GET /unauth/admin/users/" .. id .. " HTTP/1.1\\r\\n" .. common .. "Authorization: Bearer " .. u[1] .. "\\r\\n\\r\\n"
  elseif kind == "cookie" then
    return "GET /account/" .. id .. "/settings HTTP/1.1\\r\\n" .. common .. "Cookie: " .. u[2] .. "\\r\\n\\r\\n"
  elseif kind == "api-key" then
    return "GET /api/v1/metrics/" .. id .. "?window=5m HTTP/1.1\\r\\n" .. common .. "X-Api-Key: " .. u[3] .. "\\r\\n\\r\\n"
  elseif kind == "static" then
    return "GET /static/" .. id .. ".js HTTP/1.1\\r\\n" .. common .. "\\r\\n"
  end
  return "POST /api/orders HTTP/1.1\\r\\n" .. common .. "Authorization: Bearer " .. u[1] .. "\\r\\nContent-Type: application/json\\r\\nContent-Length: " .. #body .. "\\r\\n\\r\\n" .. body
end
`
}
