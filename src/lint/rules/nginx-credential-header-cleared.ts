// proxy_set_header Authorization "";  -> nginx does not send the header upstream at all.
import { docsPath, hasProxyBasicAuth, NGINX_SET_HEADER, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'nginx-credential-header-cleared'

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'proxy_set_header sets a credential header to "", so nginx drops it.',
    description: 'nginx does not pass a header whose configured value is empty. `proxy_set_header Authorization "";` (or headers-more\'s `more_clear_input_headers Authorization`) therefore strips the client\'s credentials before the request reaches the app, which answers 401.',
    remediation: {
      nginx: 'Remove `proxy_set_header <Header> "";`, or scope it to the one location whose upstream must not see the credential.'
    },
    docs: docsPath(id)
  },
  directives: [...NGINX_SET_HEADER, 'more_clear_input_headers'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, NGINX_SET_HEADER)) {
      const header = node.args[0]
      if (header === undefined || node.args[1] !== '' || !ctx.credentialHeaders.has(header.toLowerCase())) continue
      // The auth_basic + clear pair is what ingress-nginx generates: reported by nginx-ingress-auth-strip.
      if (header.toLowerCase() === 'authorization' && hasProxyBasicAuth(node.parent)) continue
      reports.push({ where: node, header, message: `${node.name} ${header} "" removes the client's ${header} header: the upstream never receives it` })
    }
    // OpenResty / headers-more: `more_clear_input_headers Authorization 'X-Api-*';`
    for (const node of nodesOf(ctx, 'more_clear_input_headers')) {
      for (const header of node.args.filter((a) => !a.startsWith('-'))) {
        const pattern = new RegExp(`^${header.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i')
        for (const name of [...ctx.credentialHeaders].filter((n) => pattern.test(n))) {
          reports.push({ where: node, header: name, message: `more_clear_input_headers ${header} removes the client's ${name} header: the upstream never receives it` })
        }
      }
    }
    return reports
  }
}
