// large_client_header_buffers smaller than a real JWT: nginx answers 400 before proxying.
import { docsPath, nodesOf, parseSize } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'nginx-client-header-buffer-too-small'
/** Below this a signed JWT with a few claims (1-4 KB) does not fit one header line. */
const ERROR_BELOW = 4 * 1024
/** nginx's default buffer size; OIDC tokens with group claims often exceed 4 KB. */
const WARN_BELOW = 8 * 1024

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'large_client_header_buffers is too small for a typical Authorization: Bearer JWT.',
    description: 'Each request header line must fit in one buffer of large_client_header_buffers (default 4 8k). A longer Authorization or Cookie line makes nginx answer 400 Bad Request ("Request Header Or Cookie Too Large") before the request reaches the app.',
    remediation: {
      nginx: 'Use at least the default `large_client_header_buffers 4 8k;` (16k if clients send OIDC tokens with group claims).'
    },
    docs: docsPath(id)
  },
  directives: ['large_client_header_buffers'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'large_client_header_buffers')) {
      const size = parseSize(node.args[1])
      if (size === null || size >= WARN_BELOW) continue
      reports.push({
        where: node,
        header: 'Authorization',
        severity: size < ERROR_BELOW ? 'error' : 'warning',
        message: `large_client_header_buffers of ${size} bytes: an Authorization or Cookie header line longer than that is refused with 400 (typical JWTs are 1-4 KB)`
      })
    }
    return reports
  }
}
