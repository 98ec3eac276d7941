// The contract every rule shares, runtime (src/diagnose/rules) and lint (src/lint/rules) alike:
// a serialisable `meta` apart from the check, like ESLint rules and gixy plugins; severities,
// confidences and the layers a finding can blame. Its own folder, so neither lint nor pairing
// nor the report depends on diagnose for it.

export type Severity = 'error' | 'warning' | 'info'
export type Confidence = 'certain' | 'likely' | 'possible'

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 }

/** Layers hopwatch can recognise or blame. `hopwatch` is the tap itself. */
export type LayerId =
  | 'cloudflare'
  | 'cloudfront'
  | 'aws-api-gateway'
  | 'aws-alb'
  | 'nginx'
  | 'ingress-nginx'
  | 'apache'
  | 'envoy'
  | 'varnish'
  | 'traefik'
  | 'haproxy'
  | 'caddy'
  | 'squid'
  | 'lighttpd'
  | 'unknown-proxy'
  | 'client'
  | 'hopwatch'

export interface RuleMeta {
  /** Equal to the rule's file name. */
  id: string
  severity: Severity
  /** One line. */
  summary: string
  /** A paragraph: what it means and why it matters. */
  description: string
  /** What to change, per layer the rule can blame (directive to add or remove). */
  remediation: Partial<Record<LayerId | 'default', string>>
  /** Path of the docs page, relative to the repository root (docs/rules/<id>.md). */
  docs: string
}
