// RequestHeader unset Authorization  -> the backend never receives the client's credentials.
import { apacheAuthType, docsPath } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'apache-requestheader-unset-credential'

export const rule: LintRule = {
  dialect: 'apache',
  meta: {
    id,
    severity: 'error',
    summary: 'RequestHeader unset removes a credential header before the backend sees it.',
    description: 'mod_headers\' `RequestHeader unset Authorization` deletes the header from the request before the content handler (mod_proxy, CGI) runs, so the proxied app receives no credentials and answers 401. Where Apache authenticates the user itself (AuthType Basic/Digest in the same scope), stripping Authorization is the accepted way to keep the password from the app: that is info.',
    remediation: {
      apache: 'Remove `RequestHeader unset <Header>`, or limit it to the <Location> whose backend must not see the credential.'
    },
    docs: docsPath(id)
  },
  directives: ['requestheader'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of ctx.nodes('requestheader')) {
      const [action, header] = node.args
      if (action?.toLowerCase() !== 'unset' || header === undefined) continue
      const name = header.replace(/:$/, '')
      if (!ctx.credentialHeaders.has(name.toLowerCase())) continue
      const auth = name.toLowerCase() === 'authorization' ? apacheAuthType(node.parent) : null
      if (auth) {
        reports.push({ where: node, header: name, severity: 'info', messageId: 'consumed', message: `RequestHeader unset ${name} after AuthType ${auth.args[0] ?? ''} (${auth.file}:${auth.line}): credential consumed here; pass the identity as X-Remote-User (RequestHeader set X-Remote-User %{REMOTE_USER}s)` })
        continue
      }
      reports.push({ where: node, header: name, messageId: 'removed', message: `RequestHeader unset ${name} removes the client's ${name}: the backend never receives it` })
    }
    return reports
  }
}
