// A credential arrived under another name: API Gateway's x-amzn-Remapped-Authorization,
// Google ESPv2 / API Gateway's X-Forwarded-Authorization, or an X-Original-Authorization copy.
import type { Exchange } from '../../capture/types.js'
import { isUnauthenticated, refusalName } from '../../capture/grpc.js'
import type { LayerId, RuleMeta } from '../../rules/meta.js'
import { NO_FINDINGS, finding, type RuleContext, type RuntimeRule } from '../rule.js'
import type { Finding } from '../types.js'

export const meta: RuleMeta = {
  id: 'credential-renamed',
  severity: 'warning',
  summary: 'A credential header arrived under another name',
  description: 'A layer in front moved the credential to a different header, so an app that reads ' +
    'Authorization finds nothing. The renamed header is the original credential (or the gateway\'s own token).',
  remediation: {
    'aws-api-gateway': 'API Gateway renames reserved headers it does not pass through to `x-amzn-Remapped-<name>`. ' +
      'Map the header explicitly in the integration request (`integration.request.header.Authorization` = ' +
      '`method.request.header.Authorization`) or read x-amzn-Remapped-Authorization in the app.',
    default: 'A gateway in front moved the credential. Either configure it to pass Authorization through, or read ' +
      'the header it moved it to. Google ESPv2 / API Gateway put the original Authorization in ' +
      'X-Forwarded-Authorization when they replace it with their own token.'
  },
  docs: 'docs/rules/credential-renamed.md'
}

interface Rename { from: string, display: string, to: string, layer: LayerId | null }

export const RENAMES: readonly Rename[] = [
  { from: 'x-amzn-remapped-authorization', display: 'X-Amzn-Remapped-Authorization', to: 'authorization', layer: 'aws-api-gateway' },
  { from: 'x-forwarded-authorization', display: 'X-Forwarded-Authorization', to: 'authorization', layer: null },
  { from: 'x-original-authorization', display: 'X-Original-Authorization', to: 'authorization', layer: null }
]

function check (exchange: Exchange, ctx: RuleContext): readonly Finding[] {
  let out: Finding[] | null = null
  for (const rename of RENAMES) {
    if (!ctx.view.has(rename.from)) continue
    const original = exchange.arrived.some((h) => h.key === rename.to)
    const failed = isUnauthenticated(exchange.response)
    out ??= []
    out.push(finding(meta, {
      header: rename.to,
      layer: rename.layer,
      confidence: rename.layer === null ? 'likely' : 'certain',
      severity: failed && !original ? 'error' : original ? 'info' : meta.severity,
      evidence: [
        `${rename.display} arrived`,
        original ? 'Authorization arrived too (the gateway added its own)' : 'Authorization did not arrive',
        `upstream answered ${refusalName(exchange.response)}`
      ]
    }))
  }
  return out ?? NO_FINDINGS
}

export const rule: RuntimeRule = { meta, check }
