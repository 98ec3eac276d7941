// proxy_cache without a bypass on $http_authorization: one user's authorized answer is served
// to the next client, credentials or not.
import { docsPath, nodesOf, partialNote, unseenInclude } from '../rule-helpers.js'
import { effective } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-cache-authorized-responses'

function mentionsAuthorization (node: ConfNode | null): boolean {
  return node !== null && node.args.some((a) => /\$\{?http_authorization\b/i.test(a))
}

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'proxy_cache caches responses to requests with Authorization and serves them to others.',
    description: 'nginx\'s proxy cache does not look at the Authorization request header: unless the cache key, proxy_cache_bypass or proxy_no_cache mention $http_authorization, a response fetched with one user\'s credentials is stored and served to later clients, including ones that sent no credentials at all.',
    remediation: {
      nginx: 'Add `proxy_cache_bypass $http_authorization;` and `proxy_no_cache $http_authorization;` (or put $http_authorization in proxy_cache_key) wherever proxy_cache is on.'
    },
    docs: docsPath(id)
  },
  directives: ['proxy_pass'],
  check: (_tree, ctx) => {
    const reported = new Set<ConfNode>()
    const reports: LintReport[] = []
    for (const pass of nodesOf(ctx, 'proxy_pass')) {
      const block = pass.parent
      if (!block) continue
      const cache = effective(block, 'proxy_cache')
      if (!cache || cache.args[0]?.toLowerCase() === 'off' || reported.has(cache)) continue
      const safe = (mentionsAuthorization(effective(block, 'proxy_cache_bypass')) && mentionsAuthorization(effective(block, 'proxy_no_cache'))) ||
        mentionsAuthorization(effective(block, 'proxy_cache_key'))
      if (safe) continue
      reported.add(cache)
      const unseen = unseenInclude(block)
      reports.push({ where: cache, header: 'Authorization', ...(unseen ? { messageId: 'partial' } : {}), message: `proxy_cache stores responses to requests carrying Authorization and serves them to other clients: no proxy_cache_bypass/proxy_no_cache or cache key on $http_authorization${unseen ? partialNote(unseen) : ''}` })
    }
    return reports
  }
}
