// proxy_pass_request_headers off;  -> no client header reaches the upstream.
import { docsPath, nodesOf } from '../rule-helpers.js'
import type { LintRule } from '../types.js'

const id = 'nginx-pass-request-headers-off'
const KEYS = new Set(['proxy_pass_request_headers', 'fastcgi_pass_request_headers', 'uwsgi_pass_request_headers', 'scgi_pass_request_headers'])

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'error',
    summary: 'proxy_pass_request_headers off drops every client header, credentials included.',
    description: 'With `proxy_pass_request_headers off` nginx sends the upstream only the headers set with proxy_set_header. Authorization, Cookie and API-key headers from the client are all dropped.',
    remediation: {
      nginx: 'Remove `proxy_pass_request_headers off;` (the default is on), or forward the credentials explicitly with `proxy_set_header Authorization $http_authorization;`.'
    },
    docs: docsPath(id)
  },
  directives: [...KEYS],
  check: (_tree, ctx) => nodesOf(ctx, KEYS)
    .filter((node) => node.args[0]?.toLowerCase() === 'off')
    .map((node) => ({ where: node, message: `${node.name} off: the upstream receives no client request header, so Authorization and Cookie are dropped` }))
}
