// A credential header name with characters NGINX drops by default (underscores, dots).
import type { Exchange } from '../../capture/types.js'
import type { RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'invalid-header-name',
  severity: 'warning',
  summary: 'A credential header name that NGINX and Cloudflare drop by default',
  description: 'With its defaults (`underscores_in_headers off`, `ignore_invalid_headers on`) NGINX silently ' +
    'drops request headers whose names contain anything but letters, digits and hyphens, so `X_Api_Key` never ' +
    'reaches the app behind it; Cloudflare removes the same names. It arrived here, so nothing in front dropped it ' +
    'yet, but the next NGINX added to the chain will. Apache 2.4 forwards such names through mod_proxy but removes ' +
    'them from the CGI environment.',
  remediation: {
    client: 'Rename the header with hyphens (`X-Api-Key`). If the name cannot change, set ' +
      '`underscores_in_headers on;` in the NGINX server block (ingress-nginx: `enable-underscores-in-headers: "true"`).',
    default: 'Use hyphens instead of underscores or dots in header names.'
  },
  docs: 'docs/rules/invalid-header-name.md'
}

const UNPORTABLE = /[^A-Za-z0-9-]/
const SEPARATORS = /[_.]/g

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  const reported = new Set<string>()
  const report = (name: string, why: string): void => {
    if (reported.has(name)) return
    reported.add(name)
    out ??= []
    out.push(finding(meta, {
      header: name.toLowerCase(),
      layer: 'client',
      confidence: 'certain',
      evidence: [`header name "${name}" ${why}`, 'NGINX drops it unless underscores_in_headers on; Cloudflare drops it']
    }))
  }
  for (const header of exchange.arrived) {
    if (!header.validName) report(header.name, 'has characters other than letters, digits and hyphens')
  }
  for (const raw of ctx.view.rawNames) {
    if (!UNPORTABLE.test(raw)) continue
    const folded = raw.toLowerCase().replace(SEPARATORS, '-')
    if (ctx.credentialHeaders.has(folded)) report(raw, `looks like the credential header ${folded} spelled with underscores or dots`)
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check }
