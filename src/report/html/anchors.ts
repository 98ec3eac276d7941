// The anchor of a finding group on /report.html: the same for the group and for each finding of
// it shown on an exchange page, so an exchange links back to its group. Made from the group key
// (rule, header, layer, route); hashed so a hostile route never becomes part of an id.
import { createHash } from 'node:crypto'

export interface FindingKey {
  rule: string
  header: string | null
  layer: string | null
  route?: string
}

export function findingAnchor (finding: FindingKey, route: string | undefined = finding.route): string {
  const key = `${finding.rule}\u0000${finding.header ?? ''}\u0000${finding.layer ?? ''}\u0000${route ?? ''}`
  return `finding-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 16)}`
}
