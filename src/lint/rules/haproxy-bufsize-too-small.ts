// global: tune.bufsize 8192  -> a request whose headers pass 8 KB (a big JWT) is refused with 400.
import { docsPath, nodesOf } from '../rule-helpers.js'
import type { LintReport, LintRule } from '../types.js'

const id = 'haproxy-bufsize-too-small'
/** HAProxy's default, which passed a 12 KB Authorization on HAProxy 2.6. */
const DEFAULT_BUFSIZE = 16_384

/** HAProxy sizes: plain bytes, or with a k/m/g suffix. */
function bytes (text: string | undefined): number | null {
  const m = /^(\d+)([kmg]?)$/i.exec(text ?? '')
  if (!m) return null
  const unit = (m[2] ?? '').toLowerCase()
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1)
}

export const rule: LintRule = {
  dialect: 'haproxy',
  meta: {
    id,
    severity: 'warning',
    summary: 'tune.bufsize below 16384 makes HAProxy refuse requests carrying a big JWT.',
    description: 'HAProxy holds a request\'s whole header block in one buffer of `tune.bufsize` bytes (minus `tune.maxrewrite`). With a smaller buffer, a request with a large `Authorization` header (a JWT with many claims reaches 8-12 KB) is refused by HAProxy itself and never reaches the app; measured on HAProxy 2.6: `tune.bufsize 8192` answers 400 to a 12 KB Authorization, the default 16384 passes it.',
    remediation: {
      haproxy: 'Remove `tune.bufsize` from the global section (the default is 16384) or raise it to at least 16384 (32768 for very large tokens).'
    },
    docs: docsPath(id)
  },
  directives: ['tune.bufsize'],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    for (const node of nodesOf(ctx, 'tune.bufsize')) {
      if (node.parent?.key !== 'global') continue
      const size = bytes(node.args[0])
      if (size === null || size >= DEFAULT_BUFSIZE) continue
      reports.push({ where: node, message: `tune.bufsize ${node.args[0] ?? ''} is below HAProxy's default ${DEFAULT_BUFSIZE}: a request whose headers exceed it (a large JWT in Authorization) is refused before it reaches the app` })
    }
    return reports
  }
}
