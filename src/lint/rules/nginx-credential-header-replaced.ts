// proxy_set_header Authorization "Basic ...";  -> every client's credential is replaced.
import { docsPath, hasProxyBasicAuth, isPassThrough, NGINX_SET_HEADER, nodesOf } from '../rule-helpers.js'
import { describeValue, isLiteral } from '../tree.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'nginx-credential-header-replaced'

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'proxy_set_header replaces a credential header with another value.',
    description: 'With `proxy_set_header Authorization <value>` the upstream receives the configured value instead of what the client sent. A fixed value means every client reaches the app with the same identity (and the secret sits in the config); a value built from variables rewrites the client\'s credential.',
    remediation: {
      nginx: 'Remove the proxy_set_header line so the client\'s header passes unchanged, or use `proxy_set_header Authorization $http_authorization;` to forward it explicitly; keep service credentials out of the config.'
    },
    docs: docsPath(id)
  },
  directives: [...NGINX_SET_HEADER],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, NGINX_SET_HEADER)) {
      const header = node.args[0]
      const value = node.args[1]
      if (header === undefined || value === undefined || value === '') continue
      if (!ctx.credentialHeaders.has(header.toLowerCase()) || isPassThrough(header, value)) continue
      if (header.toLowerCase() === 'authorization' && hasProxyBasicAuth(node.parent)) continue
      const literal = isLiteral(value)
      reports.push({
        where: node,
        header,
        severity: literal ? 'error' : 'info',
        message: `${node.name} ${header} replaces the client's ${header} with ${describeValue(value)}`
      })
    }
    return reports
  }
}
