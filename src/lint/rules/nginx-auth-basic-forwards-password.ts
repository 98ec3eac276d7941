// auth_basic in front of proxy_pass, Authorization neither cleared nor replaced: nginx checks the
// user's password and then forwards it, in the clear Basic header, to the app behind.
import { docsPath, hasProxyBasicAuth, partialNote, switchValue, unseenInclude } from '../rule-helpers.js'
import { childrenOf, effective } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-auth-basic-forwards-password'
const PASSES = ['proxy_pass', 'grpc_pass']
const SET_HEADER: Record<string, string> = { proxy_pass: 'proxy_set_header', grpc_pass: 'grpc_set_header' }

/** The proxy_set_header lines that apply at `block`: its own, else the nearest level's with any. */
function appliedSetHeaders (block: ConfNode, key: string): ConfNode[] {
  let current: ConfNode | null = block
  for (let i = 0; current && i < 1_000; i++) {
    const own = childrenOf(current, key)
    if (own.length > 0) return own
    current = current.parent
  }
  return []
}

export const rule: LintRule = {
  dialect: 'nginx',
  directives: PASSES,
  meta: {
    id,
    severity: 'warning',
    summary: 'auth_basic in front of proxy_pass forwards the user\'s password to the app.',
    description: 'nginx checks the Basic credentials itself and then, unless told otherwise, passes the request headers on unchanged: the app behind receives `Authorization: Basic <user:password>` on every request, a password it has no use for (and may log). When the app authenticates on its own it also never gets its own token, which nginx rejected with 401.',
    remediation: {
      nginx: 'After auth_basic, clear the header and pass the identity instead: `proxy_set_header Authorization ""; proxy_set_header X-Remote-User $remote_user;` (repeat the other proxy_set_header lines of the parent level, as that level\'s are no longer inherited).'
    },
    docs: docsPath(id)
  },
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const key of PASSES) {
      for (const pass of ctx.nodes(key)) {
        const block = pass.parent
        if (!block || !hasProxyBasicAuth(block)) continue
        if (key === 'proxy_pass' && switchValue(effective(block, 'proxy_pass_request_headers')) === false) continue
        const handled = appliedSetHeaders(block, SET_HEADER[key] ?? 'proxy_set_header').some((h) => h.args[0]?.toLowerCase() === 'authorization')
        if (handled) continue
        const unseen = unseenInclude(block)
        reports.push({
          where: pass,
          header: 'Authorization',
          severity: unseen ? 'info' : 'warning',
          messageId: unseen ? 'partial' : 'password-forwarded',
          message: `auth_basic checks the user's password and ${pass.name} forwards it to the app in Authorization: neither cleared nor replaced here${unseen ? partialNote(unseen) : ''}`
        })
      }
    }
    return reports
  }
}
