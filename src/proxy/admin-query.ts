// Query parameters of the admin routes: each given once, each within its range. A problem is one
// sentence for a 400; nothing from the query reaches a route unchecked.

interface Check { test: (value: string) => boolean; expect: string }

const whole = (min: number, max: number) => (value: string): boolean => {
  if (!/^[0-9]{1,9}$/.test(value)) return false
  const n = Number(value)
  return n >= min && n <= max
}

/** Every query parameter an admin route reads; an empty value means "not given". */
const CHECKS: Readonly<Record<string, Check>> = {
  format: { test: (v) => v === 'json' || v === 'text' || v === 'html', expect: 'json, text or html' },
  limit: { test: whole(1, 1_000_000), expect: 'a whole number from 1 to 1000000' },
  status: { test: whole(100, 599), expect: 'an HTTP status from 100 to 599' },
  header: { test: (v) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/.test(v), expect: 'a header name such as Authorization' },
  // The HTML pages: reload every N seconds; the exchange list filtered by a route of the report.
  refresh: { test: whole(5, 3600), expect: 'a whole number of seconds from 5 to 3600' },
  method: { test: (v) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/.test(v), expect: 'an HTTP method such as GET' },
  route: { test: (v) => v.length <= 2048 && ![...v].some((c) => c < ' ' || c === '\u007f'), expect: 'a route as the report lists it (at most 2048 characters, no control characters)' }
}

/** The sentence for a 400, or null when the query is fine. Values are never echoed. */
export function badQuery (query: unknown): string | null {
  if (query === null || typeof query !== 'object') return null
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const check = Object.hasOwn(CHECKS, name) ? CHECKS[name] : undefined
    // Only the names the admin reads are named back: another name could be anything.
    if (Array.isArray(value)) return `${check === undefined ? 'A query parameter' : `The query parameter ${name}`} is given ${value.length} times: give each once.`
    if (check === undefined) continue
    if (typeof value !== 'string') return `The query parameter ${name} must be ${check.expect}.`
    if (value !== '' && !check.test(value)) return `The query parameter ${name} must be ${check.expect}.`
  }
  return null
}
