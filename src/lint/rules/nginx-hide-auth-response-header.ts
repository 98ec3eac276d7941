// proxy_hide_header WWW-Authenticate;  -> clients never see the upstream's challenge.
import { docsPath, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'
import type { Severity } from '../../rules/meta.js'

const id = 'nginx-hide-auth-response-header'
const KEYS = new Set(['proxy_hide_header', 'fastcgi_hide_header', 'grpc_hide_header', 'uwsgi_hide_header', 'scgi_hide_header'])
const HIDDEN: Record<string, Severity> = { 'www-authenticate': 'error', 'proxy-authenticate': 'error', 'set-cookie': 'warning' }

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'proxy_hide_header hides an authentication response header from clients.',
    description: 'A 401 without WWW-Authenticate tells the client neither the scheme nor the realm: browsers show no login prompt, and clients that retry on a challenge (Digest, Negotiate, Bearer with error="invalid_token") cannot. Hiding Set-Cookie breaks cookie sessions.',
    remediation: {
      nginx: 'Remove `proxy_hide_header WWW-Authenticate;` so the upstream\'s challenge reaches the client.'
    },
    docs: docsPath(id)
  },
  directives: [...KEYS],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, KEYS)) {
      const header = node.args[0]
      const severity = header === undefined ? undefined : HIDDEN[header.toLowerCase()]
      if (header === undefined || severity === undefined) continue
      reports.push({ where: node, header, severity, message: `${node.name} ${header} hides the upstream's ${header} response header from clients` })
    }
    return reports
  }
}
