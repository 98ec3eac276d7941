// The shape of an Authorization value is wrong: no scheme, an empty token, bad whitespace,
// quotes, control characters, or Basic credentials that are not base64 of `user:password`.
import { SCHEMED_HEADERS } from '../../capture/credential-names.js'
import type { Exchange, Fingerprint, SeenHeader } from '../../capture/types.js'
import { SEVERITY_ORDER, type RuleMeta, type Severity } from '../../rules/meta.js'
import { KNOWN_SCHEMES, NO_FINDINGS, describeValue, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'malformed-authorization',
  severity: 'error',
  summary: 'An Authorization value does not have the `Scheme credentials` shape',
  description: 'RFC 9110 section 11.6.2: `Authorization: <scheme> <credentials>`, one space, a token68 or ' +
    'auth-params. Validators reject a bare token, `Bearer` with nothing after it, a stray newline or quotes ' +
    'around a bearer token; Basic must be base64 of `user:password`. Most come from string building in the client ' +
    '(`"Bearer " + undefined`, a token read from a file with its newline). Two credentials joined with ", " ' +
    '(Apache\'s merge of duplicate lines) are reported by duplicate-credential, not here.',
  remediation: {
    client: 'Build the header as exactly `Bearer <token>` (one space, no quotes, no trailing newline); for Basic, ' +
      'base64-encode `user:password` including the colon. Trim tokens read from files or environment variables.',
    default: 'Fix the client that builds the header.'
  },
  docs: 'docs/rules/malformed-authorization.md'
}

/** Schemes whose credentials are a single token68, where quotes are always wrong. */
const TOKEN68_SCHEMES: ReadonlySet<string> = new Set(['bearer', 'basic', 'dpop', 'negotiate', 'ntlm'])

export function problemsOf (fp: Fingerprint): Array<[Severity, string]> {
  const out: Array<[Severity, string]> = []
  const scheme = fp.scheme?.toLowerCase() ?? null
  if (scheme === null) out.push(['error', 'no scheme: a bare token without `Bearer ` in front'])
  if (fp.shape.emptyToken) out.push(['error', 'a scheme with no credentials after it'])
  if (fp.shape.controlChars) out.push(['error', 'a newline or other control character'])
  if (fp.basic !== undefined && !fp.basic.valid) out.push(['error', 'Basic credentials that are not base64 of `user:password`'])
  // Two credentials joined with ", " are a proxy's merge of duplicate lines, not a badly built
  // value: duplicate-credential reports them (with the layer that joined them).
  if (fp.shape.doubleSpace) out.push(['warning', 'doubled whitespace'])
  if (fp.shape.leadingOrTrailingSpace) out.push(['warning', 'leading or trailing whitespace'])
  if (fp.shape.quoted && (scheme === null || TOKEN68_SCHEMES.has(scheme))) out.push(['warning', 'quotes around the token'])
  if (scheme !== null && !KNOWN_SCHEMES.has(scheme)) out.push(['info', `an unrecognised scheme of ${fp.schemeLength ?? scheme.length} characters`])
  return out
}

function check (exchange: Exchange, _ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  for (const header of exchange.arrived) {
    if (!SCHEMED_HEADERS.has(header.key)) continue
    for (const fp of header.values) {
      const problems = problemsOf(fp)
      if (problems.length === 0) continue
      out ??= []
      out.push(report(header, fp, problems))
    }
  }
  return out ?? NO_FINDINGS
}

function report (header: SeenHeader, fp: Fingerprint, problems: Array<[Severity, string]>): Finding {
  let worst: Severity = 'info'
  for (const [severity] of problems) if (SEVERITY_ORDER[severity] < SEVERITY_ORDER[worst]) worst = severity
  return finding(meta, {
    header: header.key,
    layer: 'client',
    confidence: 'certain',
    severity: worst,
    evidence: [describeValue(header, fp), ...problems.map(([, text]) => text)]
  })
}

// Per exchange: it reads a fingerprint's per-value parts (hash, length, shape, JWT claims), which the shape memo does not fix.
export const rule: RuntimeRule = { meta, check, perExchange: true }
