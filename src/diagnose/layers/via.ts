// `Via` parsed per RFC 9110 section 7.6.3:
//   Via = #( received-protocol RWS received-by [ RWS comment ] )
//   received-protocol = [ protocol-name "/" ] protocol-version
//   received-by = pseudonym [ ":" port ]      comment = "(" *( ctext / quoted-pair / comment ) ")"
// Members are comma separated; a comma inside a comment does not split. Malformed members are
// skipped, never thrown on.

export interface ViaEntry {
  /** `HTTP` when omitted, as RFC 9110 says. */
  protocol: string
  version: string
  /** Host or pseudonym, port included when given (`varnish`, `abc.cloudfront.net`). */
  receivedBy: string
  /** Comment without its parentheses (`CloudFront`, `Varnish/7.1`), null when absent. */
  comment: string | null
}

const MAX_MEMBERS = 16
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const RWS = /[ \t]+/

function splitMembers (value: string): string[] {
  const members: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < value.length && members.length < MAX_MEMBERS; i++) {
    const c = value.charCodeAt(i)
    if (c === 92 /* \ */ && depth > 0) { i++; continue }
    if (c === 40 /* ( */) depth++
    else if (c === 41 /* ) */ && depth > 0) depth--
    else if (c === 44 /* , */ && depth === 0) {
      members.push(value.slice(start, i))
      start = i + 1
    }
  }
  if (members.length < MAX_MEMBERS) members.push(value.slice(start))
  return members
}

function parseMember (member: string): ViaEntry | null {
  const text = member.trim()
  if (text === '') return null
  const open = text.indexOf('(')
  const head = (open < 0 ? text : text.slice(0, open)).trim()
  let comment: string | null = null
  if (open >= 0) {
    const close = text.lastIndexOf(')')
    comment = (close > open ? text.slice(open + 1, close) : text.slice(open + 1)).trim()
  }
  const parts = head.split(RWS)
  if (parts.length !== 2) return null
  const [protocolPart, receivedBy] = parts as [string, string]
  const slash = protocolPart.indexOf('/')
  const protocol = slash < 0 ? 'HTTP' : protocolPart.slice(0, slash)
  const version = slash < 0 ? protocolPart : protocolPart.slice(slash + 1)
  if (!TOKEN.test(protocol) || !TOKEN.test(version)) return null
  const host = receivedBy.startsWith('[') ? receivedBy : receivedBy.split(':')[0] ?? ''
  if (host === '' || !(TOKEN.test(host) || host.startsWith('['))) return null
  return { protocol, version, receivedBy, comment }
}

/** Every Via entry of every Via line, in order (nearest-to-client first). */
export function parseVia (values: readonly string[]): ViaEntry[] {
  const out: ViaEntry[] = []
  for (const value of values) {
    for (const member of splitMembers(value)) {
      const entry = parseMember(member)
      if (entry !== null) out.push(entry)
    }
  }
  return out
}

/** `1.1 abc.cloudfront.net (CloudFront)`: the entry as evidence (no credential can be in it). */
export function describeVia (entry: ViaEntry): string {
  const proto = entry.protocol === 'HTTP' ? '' : `${entry.protocol}/`
  return `Via: ${proto}${entry.version} ${entry.receivedBy}${entry.comment === null ? '' : ` (${entry.comment})`}`
}
