// http-request set-header Authorization "Bearer fixed"  -> every client's credential is replaced.
import { actionWords, docsPath, inProxySection, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'haproxy-credential-header-replaced'

/** `%[req.hdr(authorization)]` (or `%[hdr(Authorization)]`) alone forwards the client's own value. */
function isPassThrough (header: string, value: string): boolean {
  const m = /^%\[(?:req\.)?(?:f)?hdr\(([^),]+)\)\]$/i.exec(value.trim())
  return m?.[1]?.toLowerCase() === header.toLowerCase()
}

export const rule: LintRule = {
  dialect: 'haproxy',
  meta: {
    id,
    severity: 'error',
    summary: 'http-request set-header replaces a credential header with another value.',
    description: 'With `http-request set-header Authorization <value>` the server receives the configured value instead of what the client sent (measured on HAProxy 2.6: the fixed value arrives). A fixed value means every client reaches the app with the same identity, and the secret sits in the config; a value built from sample fetches (`%[...]`) rewrites the client\'s credential.',
    remediation: {
      haproxy: 'Remove the `http-request set-header <Header> ...` line so the client\'s header passes unchanged; keep service credentials out of the config (or limit the line with an `if` condition to the requests that need them).'
    },
    docs: docsPath(id)
  },
  directives: ['http-request'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'http-request')) {
      if (!inProxySection(node)) continue
      const [action, header, ...rest] = actionWords(node)
      if (action?.toLowerCase() !== 'set-header' || header === undefined || !ctx.credentialHeaders.has(header.toLowerCase())) continue
      const value = rest.join(' ')
      if (value === '' || isPassThrough(header, value)) continue
      const literal = !value.includes('%[')
      reports.push({
        where: node,
        header,
        severity: literal ? 'error' : 'info',
        message: `http-request set-header ${header} replaces the client's ${header} with ${literal ? `a fixed value (${value.length} characters)` : 'a value built from sample fetches'}`
      })
    }
    return reports
  }
}
