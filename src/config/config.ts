// One validated Config for `hopwatch serve`, from flags and HOPWATCH_* env vars.
// Flags win over env vars; every bad value is one plain sentence naming the flag.
import { parseArgs } from 'node:util'
import { list, str, wholeInRange } from './flags.js'
import { isIP } from 'node:net'
import { readFileSync } from 'node:fs'
import {
  DEFAULT_ADMIN, DEFAULT_LISTEN, DEFAULT_LOG_LEVEL, DEFAULT_MAX_EXCHANGES,
  DEFAULT_UPSTREAM_CONNECTIONS, DEFAULT_UPSTREAM_TIMEOUT_MS, LOG_LEVELS, type LogLevel,
  DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_CLIENT_TIMEOUT_MS, NUMERIC_RANGES, type NumericFlag,
  MIN_PROBE_SECRET_LENGTH
} from './defaults.js'

export interface HostPort { host: string; port: number }

export const UPSTREAM_PROTOCOLS = ['http1.1', 'h2', 'h2c'] as const
export type UpstreamProtocol = typeof UPSTREAM_PROTOCOLS[number]

export interface Config {
  upstream: URL
  listen: HostPort
  admin: HostPort
  adminToken: string | null
  credentialHeaders: string[]
  maxExchanges: number
  fingerprintKey: string | null
  logLevel: LogLevel
  upstreamTimeoutMs: number
  upstreamConnections: number
  /** How hopwatch speaks to the upstream (--upstream-protocol): HTTP/1.1 with undici, or HTTP/2 with node:http2. */
  upstreamProtocol: UpstreamProtocol
  expectIssuers: string[]
  expectAudiences: string[]
  probeSecret: string | null
  adminInsecure: boolean
  /** Edge tap: a second listener in front of the outer layers, and where it forwards. */
  edge: { listen: HostPort; upstream: URL } | null
  shutdownGraceMs: number
  clientTimeoutMs: number
  /** PEM certificates trusted for an https upstream besides the system CAs (--upstream-ca). */
  upstreamCa: string | null
  /** An https upstream's certificate is not verified (--upstream-insecure). */
  upstreamInsecure: boolean
  /** PEM certificate chain and key of the traffic listener (--tls-cert, --tls-key): TLS with ALPN h2 and http/1.1. */
  tls: { cert: string; key: string } | null
}

export class ConfigError extends Error {
  readonly code = 'HOPWATCH_BAD_CONFIG'
}

interface FlagSpec { env: string; multiple?: boolean; boolean?: boolean; help: string }

/** The flags of `serve`, each with its env var. Order is the order of `--help`. */
export const SERVE_FLAGS: Record<string, FlagSpec> = {
  upstream: { env: 'HOPWATCH_UPSTREAM', help: 'URL of the app to forward to (required), e.g. http://127.0.0.1:3000' },
  listen: { env: 'HOPWATCH_LISTEN', help: `traffic listener HOST:PORT (default ${DEFAULT_LISTEN})` },
  admin: { env: 'HOPWATCH_ADMIN', help: `admin listener HOST:PORT for /report, /healthz (default ${DEFAULT_ADMIN})` },
  'admin-token': { env: 'HOPWATCH_ADMIN_TOKEN', help: 'bearer token every admin route requires; needed when --admin is not loopback' },
  'credential-header': { env: 'HOPWATCH_CREDENTIAL_HEADER', multiple: true, help: 'extra credential header name (repeatable; env: comma list)' },
  'max-exchanges': { env: 'HOPWATCH_MAX_EXCHANGES', help: `exchanges kept in memory, oldest forgotten first (default ${DEFAULT_MAX_EXCHANGES})` },
  'fingerprint-key': { env: 'HOPWATCH_FINGERPRINT_KEY', help: 'HMAC key for fingerprints; set the same on every replica so equal tokens compare equal (default: random per process)' },
  'log-level': { env: 'HOPWATCH_LOG_LEVEL', help: `${LOG_LEVELS.join('|')} (default ${DEFAULT_LOG_LEVEL})` },
  'upstream-timeout': { env: 'HOPWATCH_UPSTREAM_TIMEOUT', help: `ms the upstream may stay silent (no headers: 504; no next body chunk: cut), and a request may wait for a free connection (504) (default ${DEFAULT_UPSTREAM_TIMEOUT_MS})` },
  'upstream-connections': { env: 'HOPWATCH_UPSTREAM_CONNECTIONS', help: `keep-alive connections to the upstream for requests without a body, and as many for requests with one (default ${DEFAULT_UPSTREAM_CONNECTIONS})` },
  'upstream-protocol': { env: 'HOPWATCH_UPSTREAM_PROTOCOL', help: 'http1.1|h2|h2c: HTTP/2 to the upstream over TLS (h2, https:// upstream) or cleartext prior knowledge (h2c, http:// upstream), e.g. for gRPC (default http1.1)' },
  'expect-issuer': { env: 'HOPWATCH_EXPECT_ISSUER', multiple: true, help: 'JWT iss this environment accepts (repeatable; env: comma list)' },
  'expect-audience': { env: 'HOPWATCH_EXPECT_AUDIENCE', multiple: true, help: 'JWT aud this environment accepts (repeatable; env: comma list)' },
  'probe-secret': { env: 'HOPWATCH_PROBE_SECRET', help: 'answer signed `hopwatch probe` canaries with this secret (default: off)' },
  'edge-listen': { env: 'HOPWATCH_EDGE_LISTEN', help: 'also run an edge tap on HOST:PORT, in front of the outer layers (with --edge-upstream)' },
  'edge-upstream': { env: 'HOPWATCH_EDGE_UPSTREAM', help: 'URL of the outer layers the edge tap forwards to; their traffic must come back to --listen' },
  'admin-insecure': { env: 'HOPWATCH_ADMIN_INSECURE', boolean: true, help: 'allow a non-loopback --admin without a token (local demos only; prints a warning)' },
  'shutdown-grace': { env: 'HOPWATCH_SHUTDOWN_GRACE', help: `ms that in-flight exchanges get to finish after SIGTERM/SIGINT (default ${DEFAULT_SHUTDOWN_GRACE_MS})` },
  'client-timeout': { env: 'HOPWATCH_CLIENT_TIMEOUT', help: `ms a client may take to send a whole request, headers and body, before 408; 0 = no limit (default ${DEFAULT_CLIENT_TIMEOUT_MS})` },
  'upstream-ca': { env: 'HOPWATCH_UPSTREAM_CA', help: 'PEM file of CA certificates trusted for an https upstream, besides the system CAs' },
  'upstream-insecure': { env: 'HOPWATCH_UPSTREAM_INSECURE', boolean: true, help: "do not verify an https upstream's certificate (prints a warning; every exchange is marked)" },
  'tls-cert': { env: 'HOPWATCH_TLS_CERT', help: 'PEM certificate (chain) of the traffic listener: it then speaks TLS, HTTP/2 and HTTP/1.1 by ALPN (with --tls-key)' },
  'tls-key': { env: 'HOPWATCH_TLS_KEY', help: 'PEM private key of --tls-cert' }
}

type Raw = Record<string, string | string[] | boolean | undefined>

/** Secrets whose empty value is a mistake (an unset shell variable), not "off". */
const REFUSE_EMPTY = new Set(['admin-token', 'probe-secret'])

function readRaw (argv: string[], env: NodeJS.ProcessEnv): Raw {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    options[name] = spec.boolean === true ? { type: 'boolean' } : spec.multiple === true ? { type: 'string', multiple: true } : { type: 'string' }
  }
  let values: Raw
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Raw
  } catch (err) {
    throw new ConfigError(usageSentence(err))
  }
  for (const [name, spec] of Object.entries(SERVE_FLAGS)) {
    const fromEnv = env[spec.env]
    if (values[name] === undefined && fromEnv === '' && REFUSE_EMPTY.has(name)) {
      throw new ConfigError(`${spec.env} is set but empty: give it a value or unset it.`)
    }
    if (values[name] !== undefined || fromEnv === undefined || fromEnv === '') continue
    if (spec.boolean === true) values[name] = envBoolean(spec.env, fromEnv)
    else values[name] = spec.multiple === true ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : fromEnv
  }
  return values
}

function envBoolean (env: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true
  if (/^(0|false|no|off)$/i.test(value)) return false
  throw new ConfigError(`${env} must be true or false (got "${value}").`)
}

function usageSentence (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const unknown = /Unknown option '([^']+)'/.exec(message)
  if (unknown) return `Unknown flag ${unknown[1]}: run \`hopwatch serve --help\` for the flags it takes.`
  const missing = /Option '(--[^ ']+)[^']*' argument missing/.exec(message)
  if (missing) return `Flag ${missing[1]} needs a value, e.g. ${missing[1]}=VALUE.`
  if (/positional/.test(message)) return 'hopwatch serve takes flags only: pass the upstream as --upstream URL.'
  const ambiguous = /Option '(--[^ ']+)[^']*' argument is ambiguous/.exec(message)
  if (ambiguous) return `Flag ${ambiguous[1]} got a value that starts with a dash: write it as ${ambiguous[1]}=VALUE.`
  return `Bad flags: ${message.split('\n')[0] ?? ''}`
}

export function parseHostPort (flag: string, value: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value)
  const host = match ? (match[1] ?? match[2] ?? '') : ''
  const port = match ? Number(match[3]) : NaN
  if (!match || host === '' || !(port >= 0 && port <= 65535)) {
    throw new ConfigError(`--${flag} must be HOST:PORT with a port from 0 to 65535 (got "${value}"), e.g. --${flag} 127.0.0.1:9090.`)
  }
  return { host, port }
}

export function isLoopback (host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

function parseUpstream (value: string | undefined, flag = 'upstream'): URL {
  if (value === undefined || value === '') {
    throw new ConfigError('--upstream is required: give the URL of the app to forward to, e.g. --upstream http://127.0.0.1:3000 (or HOPWATCH_UPSTREAM).')
  }
  return parseHttpUrl(value, flag)
}

function parseEdge (listen: string | undefined, upstream: string | undefined): Config['edge'] {
  if (listen === undefined && upstream === undefined) return null
  if (listen === undefined || upstream === undefined) {
    throw new ConfigError('--edge-listen and --edge-upstream go together: the edge tap listens on one and forwards to the other (the outer layers), e.g. --edge-listen 0.0.0.0:8081 --edge-upstream http://nginx:80.')
  }
  return { listen: parseHostPort('edge-listen', listen), upstream: parseHttpUrl(upstream, 'edge-upstream') }
}

function parseHttpUrl (value: string, flag: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // The value is not echoed: a mistyped URL may still carry a password.
    throw new ConfigError(`--${flag} is not a valid absolute URL: give one like --${flag} http://127.0.0.1:3000.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`--${flag} must use http:// or https:// (got "${url.protocol}"), e.g. --${flag} http://127.0.0.1:3000.`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`--${flag} must not carry user:password: hopwatch forwards the credentials clients send.`)
  }
  return url
}

/** A numeric flag within its documented range (NUMERIC_RANGES); the value is not echoed. */
function ranged (flag: NumericFlag, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const { min, max } = NUMERIC_RANGES[flag]
  const n = wholeInRange(value, min, max)
  if (n === null) throw new ConfigError(`--${flag} must be a whole number from ${min} to ${max}.`)
  return n
}

/** The admin token: not empty, and sendable as `Authorization: Bearer <token>` (no spaces at the ends, no control characters). */
function adminTokenOf (value: string | undefined): string | null {
  if (value === undefined) return null
  if (value === '') throw new ConfigError('--admin-token is empty: give a token (e.g. openssl rand -hex 16) or leave the flag out.')
  if (value.trim() !== value || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new ConfigError('--admin-token must not start or end with spaces nor hold control characters: clients could not send it in a header.')
  }
  return value
}

function probeSecretOf (value: string | undefined): string | null {
  if (value === undefined) return null
  if (value.length < MIN_PROBE_SECRET_LENGTH) {
    throw new ConfigError(`--probe-secret must be at least ${MIN_PROBE_SECRET_LENGTH} characters, as \`hopwatch probe\` requires (e.g. openssl rand -hex 16).`)
  }
  return value
}

function headerNames (flag: string, values: string[]): string[] {
  for (const name of values) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new ConfigError(`--${flag} must be a header name such as X-Session-Token (got "${name}").`)
    }
  }
  return values
}

/** The PEM text of --upstream-ca: readable, and holding at least one certificate. */
function readCa (path: string | undefined, insecure: boolean): string | null {
  if (path === undefined || path === '') return null
  if (insecure) throw new ConfigError('--upstream-ca and --upstream-insecure contradict each other: give the CA to verify against, or skip verification, not both.')
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`--upstream-ca could not be read (${(err as { code?: string }).code ?? 'error'}): give the path of a PEM file of CA certificates.`)
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('--upstream-ca holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate(s) that sign the upstream\'s certificate.')
  }
  return pem
}

/** --upstream-protocol, checked against the upstream URL's scheme. */
function upstreamProtocolOf (value: string | undefined, upstream: URL): UpstreamProtocol {
  if (value === undefined) return 'http1.1'
  if (!(UPSTREAM_PROTOCOLS as readonly string[]).includes(value)) {
    throw new ConfigError(`--upstream-protocol must be one of ${UPSTREAM_PROTOCOLS.join(', ')} (got "${value}").`)
  }
  if (value === 'h2' && upstream.protocol !== 'https:') {
    throw new ConfigError('--upstream-protocol h2 is HTTP/2 over TLS: give an https:// --upstream, or use h2c for cleartext HTTP/2.')
  }
  if (value === 'h2c' && upstream.protocol !== 'http:') {
    throw new ConfigError('--upstream-protocol h2c is cleartext HTTP/2: give an http:// --upstream, or use h2 for HTTP/2 over TLS.')
  }
  return value as UpstreamProtocol
}

function readPem (flag: string, path: string, marker: RegExp, what: string): string {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`--${flag} could not be read (${(err as { code?: string }).code ?? 'error'}): give the path of a PEM file holding ${what}.`)
  }
  if (!marker.test(pem)) throw new ConfigError(`--${flag} holds no PEM ${what}: give a PEM file (-----BEGIN ...-----).`)
  return pem
}

/** --tls-cert and --tls-key: both or neither, each a readable PEM file. */
function readInboundTls (certPath: string | undefined, keyPath: string | undefined): Config['tls'] {
  const cert = certPath === '' ? undefined : certPath
  const key = keyPath === '' ? undefined : keyPath
  if (cert === undefined && key === undefined) return null
  if (cert === undefined || key === undefined) {
    throw new ConfigError(`--tls-cert and --tls-key go together: ${cert === undefined ? '--tls-cert' : '--tls-key'} is missing.`)
  }
  return {
    cert: readPem('tls-cert', cert, /-----BEGIN CERTIFICATE-----/, 'certificate'),
    key: readPem('tls-key', key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key')
  }
}

/** Build the one Config of `serve`. Throws ConfigError with a sentence for the user. */
export function loadServeConfig (argv: string[], env: NodeJS.ProcessEnv): Config {
  const raw = readRaw(argv, env)
  const logLevel = str(raw['log-level']) ?? DEFAULT_LOG_LEVEL
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}").`)
  }
  const admin = parseHostPort('admin', str(raw.admin) ?? DEFAULT_ADMIN)
  const adminToken = adminTokenOf(str(raw['admin-token']))
  const adminInsecure = raw['admin-insecure'] === true
  if (!isLoopback(admin.host) && adminToken === null && !adminInsecure) {
    throw new ConfigError(`--admin ${admin.host} is not a loopback address, so the report would be open to the network: set --admin-token (or HOPWATCH_ADMIN_TOKEN), bind --admin to 127.0.0.1, or for a local demo pass --admin-insecure.`)
  }
  const listen = parseHostPort('listen', str(raw.listen) ?? DEFAULT_LISTEN)
  const upstream = parseUpstream(str(raw.upstream))
  return {
    upstream,
    listen,
    admin,
    adminToken,
    credentialHeaders: headerNames('credential-header', list(raw['credential-header'])),
    maxExchanges: ranged('max-exchanges', str(raw['max-exchanges']), DEFAULT_MAX_EXCHANGES),
    fingerprintKey: str(raw['fingerprint-key']) ?? null,
    logLevel: logLevel as LogLevel,
    upstreamTimeoutMs: ranged('upstream-timeout', str(raw['upstream-timeout']), DEFAULT_UPSTREAM_TIMEOUT_MS),
    upstreamConnections: ranged('upstream-connections', str(raw['upstream-connections']), DEFAULT_UPSTREAM_CONNECTIONS),
    upstreamProtocol: upstreamProtocolOf(str(raw['upstream-protocol']), upstream),
    expectIssuers: list(raw['expect-issuer']),
    expectAudiences: list(raw['expect-audience']),
    probeSecret: probeSecretOf(str(raw['probe-secret'])),
    adminInsecure,
    edge: parseEdge(str(raw['edge-listen']), str(raw['edge-upstream'])),
    shutdownGraceMs: ranged('shutdown-grace', str(raw['shutdown-grace']), DEFAULT_SHUTDOWN_GRACE_MS),
    clientTimeoutMs: ranged('client-timeout', str(raw['client-timeout']), DEFAULT_CLIENT_TIMEOUT_MS),
    upstreamCa: readCa(str(raw['upstream-ca']), raw['upstream-insecure'] === true),
    upstreamInsecure: raw['upstream-insecure'] === true,
    tls: readInboundTls(str(raw['tls-cert']), str(raw['tls-key']))
  }
}
