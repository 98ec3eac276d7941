// A level with any proxy_set_header inherits none of the parent level's proxy_set_header lines.
import { docsPath, NGINX_LEVELS, partialNote } from '../rule-helpers.js'
import { childrenOf } from '../tree.js'
import type { ConfNode, LintReport, LintRule } from '../types.js'

const id = 'nginx-proxy-set-header-inheritance'
const KEY = 'proxy_set_header'

function nearestSetter (block: ConfNode): ConfNode | null {
  let current = block.parent
  for (let i = 0; current && i < 1_000; i++) {
    if (NGINX_LEVELS.has(current.key) && childrenOf(current, KEY).length > 0) return current
    current = current.parent
  }
  return null
}

export const rule: LintRule = {
  dialect: 'nginx',
  meta: {
    id,
    severity: 'warning',
    summary: 'proxy_set_header at this level silently drops every proxy_set_header of the parent level.',
    description: 'nginx inherits proxy_set_header directives from the previous level if and only if there are none on the current level. One proxy_set_header in a location therefore discards all the server (or http) level ones, including any that carry or shape credentials.',
    remediation: {
      nginx: 'Repeat the parent level\'s proxy_set_header lines in this block (or put them in a snippet and `include` it at every level that sets headers).'
    },
    docs: docsPath(id)
  },
  directives: [KEY],
  check: (_tree, ctx) => {
    const reports: LintReport[] = []
    // Every level that sets proxy_set_header, once, in document order.
    const blocks = new Set<ConfNode>()
    for (const node of ctx.nodes(KEY)) if (node.parent) blocks.add(node.parent)
    for (const block of blocks) {
      if (!block.children || !NGINX_LEVELS.has(block.key)) continue
      const own = childrenOf(block, KEY)
      const first = own[0]
      if (!first) continue
      const parent = nearestSetter(block)
      if (!parent) continue
      const here = new Set(own.map((n) => (n.args[0] ?? '').toLowerCase()))
      const lost = childrenOf(parent, KEY)
        .map((n) => n.args[0] ?? '')
        .filter((name) => name !== '' && !here.has(name.toLowerCase()))
      const unique = [...new Map(lost.map((n) => [n.toLowerCase(), n])).values()]
      if (unique.length === 0) continue
      const credentials = unique.filter((n) => ctx.credentialHeaders.has(n.toLowerCase()))
      const where = `${parent.key === '' ? 'top' : parent.key} level (${parent.file}:${parent.line})`
      // An include here that was not found may repeat the lost lines.
      const unseen = (block.children ?? []).find((c) => c.unresolved === true)
      reports.push({
        where: first,
        severity: credentials.length > 0 ? 'error' : 'warning',
        ...(credentials[0] !== undefined ? { header: credentials[0] } : {}),
        ...(unseen ? { messageId: 'partial' } : {}),
        message: `proxy_set_header in this ${block.key} stops nginx from inheriting ${unique.join(', ')} from the ${where}${credentials.length > 0 ? `; credential header${credentials.length > 1 ? 's' : ''} ${credentials.join(', ')} no longer set` : ''}${unseen ? partialNote(unseen) : ''}`
      })
    }
    return reports
  }
}
