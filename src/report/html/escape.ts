// HTML escaping: every string that came from traffic (paths, header names, realms, evidence)
// goes through here before it reaches a page; quotes and backticks too, so attributes are safe.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }
const SPECIAL = /[&<>"'`]/g

export function escapeHtml (value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(SPECIAL, (c) => ESCAPES[c] ?? c)
}

/** A query string from plain pairs (undefined and empty values left out), escaped for an href. */
export function hrefOf (path: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
  }
  return escapeHtml(parts.length === 0 ? path : `${path}?${parts.join('&')}`)
}

/** The page of one stored exchange. */
export function exchangeHref (id: string): string {
  return escapeHtml(`/report/exchanges/${encodeURIComponent(id)}.html`)
}
