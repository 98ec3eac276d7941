// sub vcl_recv { unset req.http.Authorization; }  -> Varnish drops the client's credential.
import { docsPath, nodesOf } from '../rule-helpers.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'vcl-credential-header-unset'
/** req.http.X (vcl_recv and the client side) or bereq.http.X (vcl_backend_fetch): what the backend receives. */
const REQUEST_HEADER = /^(?:req|bereq)\.http\.([A-Za-z0-9!#$%&'*+.^_`|~-]+)$/i
/** Subroutines that run after the backend request was sent (or instead of it): a change there
 *  does not reach the backend. */
const AFTER_FETCH = new Set(['vcl_deliver', 'vcl_synth', 'vcl_backend_response', 'vcl_backend_error', 'vcl_fini', 'vcl_init'])

function subroutine (node: ConfNode): string | null {
  let current = node.parent
  for (let i = 0; current && i < 1_000; i++) {
    if (current.key === 'sub') return current.args[0]?.toLowerCase() ?? null
    current = current.parent
  }
  return null
}

export const rule: LintRule = {
  dialect: 'vcl',
  meta: {
    id,
    severity: 'error',
    summary: 'unset req.http.Authorization (or setting it to "") removes a credential header.',
    description: 'In VCL, `unset req.http.<Header>;` (in `vcl_recv`) or `unset bereq.http.<Header>;` (in `vcl_backend_fetch`) deletes the header from the request Varnish sends to the backend; `set req.http.<Header> = "";` sends it empty. Lines in subroutines that run after the fetch (`vcl_deliver`, `vcl_synth`, `vcl_backend_response`) are not reported. Measured on Varnish 7.1: after `unset req.http.Authorization;` the app never receives Authorization. People add it to make authenticated requests cacheable, and the app then answers 401 to everyone.',
    remediation: {
      varnish: 'Remove `unset req.http.<Header>;`; to cache per user, add the credential to `vcl_hash` (`hash_data(req.http.Authorization);`) or `return (pass);` requests that carry it, which the builtin vcl_recv already does.'
    },
    docs: docsPath(id)
  },
  directives: ['unset', 'set'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, ['unset', 'set'])) {
      const header = REQUEST_HEADER.exec(node.args[0] ?? '')?.[1]
      if (header === undefined || !ctx.credentialHeaders.has(header.toLowerCase())) continue
      if (AFTER_FETCH.has(subroutine(node) ?? '')) continue
      const target = node.args[0] ?? ''
      if (node.key === 'unset') {
        reports.push({ where: node, header, message: `unset ${target} removes the client's ${header} header: the backend never receives it` })
      } else if (node.args[1] === '=' && node.args.length === 3 && node.args[2] === '') {
        reports.push({ where: node, header, message: `set ${target} = "" empties the client's ${header} header before it reaches the backend` })
      }
    }
    return reports
  }
}
