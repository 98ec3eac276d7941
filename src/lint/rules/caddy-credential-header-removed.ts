// reverse_proxy app { header_up -Authorization }  -> Caddy removes the client's credential.
import { docsPath, nodesOf } from '../rule-helpers.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'caddy-credential-header-removed'
/** Blocks in which `header_up` changes what the upstream receives. */
const PROXY_BLOCKS = new Set(['reverse_proxy', 'php_fastcgi'])

function insideProxy (node: ConfNode): boolean {
  let current = node.parent
  for (let i = 0; current && i < 100; i++) {
    if (PROXY_BLOCKS.has(current.key)) return true
    current = current.parent
  }
  return false
}

/** Credential headers a Caddy field pattern (`Authorization`, `X-Api-*`, `*-Key`) names. */
function matching (pattern: string, credentials: ReadonlySet<string>): string[] {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i')
  return [...credentials].filter((name) => re.test(name))
}

export const rule: LintRule = {
  dialect: 'caddy',
  meta: {
    id,
    severity: 'error',
    summary: 'header_up -Authorization (or request_header -Authorization, or an empty value) removes a credential header.',
    description: 'In a Caddyfile, `header_up -<Header>` inside `reverse_proxy { }` deletes the header from the request Caddy sends upstream, and `request_header -<Header>` deletes it from the request before any handler runs; `header_up Authorization ""` sends it empty. Measured on Caddy 2.6.2: with `header_up -Authorization` the app never receives Authorization and answers 401 to every client.',
    remediation: {
      caddy: 'Remove the `header_up -<Header>` / `request_header -<Header>` line, or move it into a `handle` / `route` block that matches only the paths whose upstream must not see the credential.'
    },
    docs: docsPath(id)
  },
  directives: ['header_up', 'request_header'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, ['header_up', 'request_header'])) {
      if (node.key === 'header_up' && !insideProxy(node)) continue
      // request_header may start with a matcher (`request_header /api/* -Authorization`).
      const field = node.args.find((a) => a.startsWith('-') && a.length > 1)
      if (field === undefined) {
        // `header_up Authorization ""`: the header is sent with an empty value (measured).
        const [name, value] = node.args.slice(-2)
        if (node.args.length >= 2 && value === '' && name !== undefined && ctx.credentialHeaders.has(name.toLowerCase())) {
          reports.push({ where: node, header: name, message: `${node.name} ${name} "" empties the client's ${name} header: the upstream receives it empty` })
        }
        continue
      }
      for (const header of matching(field.slice(1), ctx.credentialHeaders)) {
        const shown = field.includes('*') ? header : field.slice(1)
        reports.push({ where: node, header: shown, message: `${node.name} ${field} removes the client's ${shown} header: the upstream never receives it` })
      }
    }
    return reports
  }
}
