// The runtime rule shape (ESLint/gixy style): a serialisable `meta` apart from `check`.
// How to write one (what it may read, once per shape or per exchange): src/diagnose/RULES.md.
import { KNOWN_SCHEMES } from '../capture/credential-names.js'
import type { Exchange, Fingerprint, SeenHeader } from '../capture/types.js'
import { perArrived, shapeSlot } from '../capture/shape.js'
import type { Confidence, LayerId, RuleMeta, Severity } from '../rules/meta.js'
import type { ClientMemory } from './client-memory.js'
import type { RouteMemory } from './route-memory.js'
import { severityFor } from './evidence.js'
import type { Finding, LayerSighting } from './types.js'
import type { ExchangeView } from './view.js'

export interface RuleContext {
  /** This host's clock, ms since epoch, read once per exchange. */
  now: number
  /** `--expect-issuer` values; empty means "not configured". */
  expectIssuers: ReadonlySet<string>
  /** `--expect-audience` values; empty means "not configured". */
  expectAudiences: ReadonlySet<string>
  /** Layers recognised on this exchange. */
  layers: readonly LayerSighting[]
  view: ExchangeView
  /** Bounded per-route memory (working-vs-failing only). */
  routes: RouteMemory
  /** Lower-case credential header names (built-in plus configured). */
  credentialHeaders: ReadonlySet<string>
  /** Lower-case names given with --credential-header (the ones this deployment uses). */
  configuredHeaders: readonly string[]
  /** Bounded memory of what each client sent and where it was redirected (per-exchange rules only). */
  clients: ClientMemory
}

export interface RuntimeRule {
  meta: RuleMeta
  /** Never given a credential value; must not put one into a finding. May throw: the engine counts it. */
  check: (exchange: Exchange, ctx: RuleContext) => readonly Finding[]
  /**
   * True when the rule reads anything beyond the exchange's shape: the clock (`ctx.now`), the
   * route memory, the exchange's id, times or Date, or any part of a fingerprint beyond the
   * header's name and line count (hash, length, scheme, value shape, JWT, cookies, Basic): the
   * shape is made of names, never of credential values. Such rules run on every exchange; the others
   * run once per shape (see src/audit/shape-memo.ts) and their findings are reused.
   * src/diagnose/RULES.md lists what each kind may read, and the tests that hold rules to it.
   */
  perExchange?: boolean
}

export const NO_FINDINGS: readonly Finding[] = Object.freeze([])

export interface FindingFields {
  header: string | null
  layer: LayerId | null
  confidence: Confidence
  evidence: string[]
  summary?: string
  severity?: Severity
  remediation?: string
  /** Group under this route instead of the exchange's (a 401 linked to the redirect that caused it). */
  route?: string
}

/**
 * A finding of `meta`'s rule; remediation defaults to the one for the blamed layer. An error on
 * `possible` evidence is made a warning here (src/diagnose/evidence.ts).
 */
export function finding (meta: RuleMeta, fields: FindingFields): Finding {
  const remediation = fields.remediation ??
    (fields.layer !== null ? meta.remediation[fields.layer] : undefined) ??
    meta.remediation.default ?? ''
  const made: Finding = {
    rule: meta.id,
    severity: severityFor(fields.severity ?? meta.severity, fields.confidence),
    header: fields.header,
    layer: fields.layer,
    confidence: fields.confidence,
    evidence: fields.evidence,
    summary: fields.summary ?? meta.summary,
    remediation
  }
  if (fields.route !== undefined) made.route = fields.route
  return made
}

/** Authentication schemes hopwatch names in evidence (capture records any other as `(other)`). */
export { KNOWN_SCHEMES }

/** The scheme as safe evidence: a known scheme by name, anything else by length only. */
export function schemeLabel (fp: Fingerprint): string {
  if (fp.scheme === null) return 'no scheme'
  return KNOWN_SCHEMES.has(fp.scheme.toLowerCase()) ? fp.scheme : `unrecognised scheme (${fp.schemeLength ?? fp.scheme.length} chars)`
}

/** `authorization: Bearer, 812 bytes, hash 1a2b3c4d...` (never the value). */
export function describeValue (header: SeenHeader, fp: Fingerprint): string {
  return `${header.name}: ${schemeLabel(fp)}, ${fp.length} bytes, hash ${fp.hash}`
}

export function isoSeconds (epochSeconds: number): string {
  const ms = epochSeconds * 1000
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(epochSeconds)
}

export function headerOf (exchange: Exchange, key: string): SeenHeader | undefined {
  for (const seen of exchange.arrived) if (seen.key === key) return seen
  return undefined
}

/** `x-api-key` -> `X-Api-Key`, for messages about a header that did not arrive. */
export function displayName (key: string): string {
  return key.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('-')
}

export interface JwtSeen {
  header: SeenHeader
  fp: Fingerprint
  jwt: NonNullable<Fingerprint['jwt']>
  /** describeJwt's text, made on the first ask. */
  text?: string
}

/**
 * Every decoded JWT that arrived, with the header line it came in. Four per-exchange rules ask;
 * exchanges of one shape get the same list (and the same JwtSeen objects, whose descriptions
 * and findings can then be reused).
 */
const JWTS = shapeSlot<readonly JwtSeen[]>('rules: decoded JWTs')

function listJwts (arrived: readonly SeenHeader[]): readonly JwtSeen[] {
  const out: JwtSeen[] = []
  for (const header of arrived) {
    for (const fp of header.values) if (fp.jwt !== undefined) out.push({ header, fp, jwt: fp.jwt })
  }
  return Object.freeze(out)
}

/** The last exchange's own list: the rules that ask run one after another on one exchange. */
let lastArrived: readonly SeenHeader[] | null = null
let lastJwts: readonly JwtSeen[] = []

export function jwtsOf (exchange: Exchange): readonly JwtSeen[] {
  const arrived = exchange.arrived
  if (arrived === lastArrived) return lastJwts
  const jwts = perArrived(exchange, JWTS, listJwts)
  // Only an exchange's own stage: its shape's is remembered by the shape above.
  if (arrived !== exchange.shape?.parts.arrived) { lastArrived = arrived; lastJwts = jwts }
  return jwts
}

/** `Authorization: JWT alg=RS256 kid=k1 iss=https://id.example` (claims that are not secret). */
export function describeJwt (seen: JwtSeen): string {
  return seen.text ??= describe(seen)
}

function describe (seen: JwtSeen): string {
  const j = seen.jwt
  const parts = [`${seen.header.name}: JWT`]
  if (j.alg !== null) parts.push(`alg=${j.alg}`)
  if (j.kid !== null) parts.push(`kid=${j.kid}`)
  if (j.iss !== null) parts.push(`iss=${j.iss}`)
  if (j.aud.length > 0) parts.push(`aud=${j.aud.join(',')}`)
  parts.push(`hash ${seen.fp.hash}`)
  return parts.join(' ')
}

/** `12m 5s`, `3h 2m`, `40s`. */
export function duration (ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`
}
