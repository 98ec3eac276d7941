// proxy_buffer_size smaller than the upstream's response headers: 502 instead of the answer.
import { docsPath, parseSize } from '../rule-helpers.js'
import { findAll } from '../tree.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'nginx-proxy-buffer-too-small'
/** One memory page, nginx's own default on common platforms. */
const WARN_BELOW = 4 * 1024

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'warning',
    summary: 'proxy_buffer_size is too small for large upstream auth headers (Set-Cookie, WWW-Authenticate).',
    description: 'The upstream\'s whole response header must fit in proxy_buffer_size (default 4k or 8k). Login responses with large Set-Cookie values (session JWTs, several cookies) or long WWW-Authenticate challenges then fail with "upstream sent too big header" and the client gets 502 Bad Gateway.',
    remediation: {
      nginx: 'Use at least `proxy_buffer_size 8k;` (16k behind identity providers that set large cookies), with proxy_buffers to match.'
    },
    docs: docsPath(id)
  },
  check: (tree) => {
    const reports: LintReport[] = []
    for (const node of findAll(tree.root, new Set(['proxy_buffer_size', 'fastcgi_buffer_size', 'grpc_buffer_size']))) {
      const size = parseSize(node.args[0])
      if (size === null || size >= WARN_BELOW) continue
      reports.push({
        where: node,
        header: 'Set-Cookie',
        message: `${node.name} of ${size} bytes: upstream responses whose headers (Set-Cookie, WWW-Authenticate) exceed it become 502 Bad Gateway`
      })
    }
    return reports
  }
}
