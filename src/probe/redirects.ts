// Redirect analysis for the probe: every Location a hop answered, whether it changes origin,
// and which clients would drop Authorization on it (the table shared with the
// auth-lost-on-redirect rule, src/diagnose/redirect-clients.ts).
import { foldPath } from '../capture/routes.js'
import { describeOrigin, originChanges, originOf, redirectVerdicts } from '../diagnose/redirect-clients.js'

export interface RedirectReport {
  /** Origin and path only: queries are never reported (they may carry secrets). */
  from: string
  to: string
  status: number
  changesOrigin: boolean
  /** `scheme`, `host`, `port`: what changed. */
  changes: string[]
  /** Client names that drop Authorization when they follow this redirect. */
  dropAuthorization: string[]
  keepAuthorization: string[]
}

/** Origin + path of a URL, without query or fragment. */
export function displayUrl (url: string): string {
  try {
    const u = new URL(url)
    const origin = originOf(url)
    // The path folded like every path hopwatch shows: a redirect to /reset/<token> must not print the token.
    const path = foldPath(u.pathname)
    return origin === null ? `${u.protocol}//${u.host}${path}` : `${describeOrigin(origin)}${path}`
  } catch {
    return '(unparsable URL)'
  }
}

/** The absolute URL a Location points to, or null when it is not a usable http(s) URL. */
export function resolveLocation (location: string, base: string): string | null {
  try {
    const next = new URL(location, base)
    return next.protocol === 'http:' || next.protocol === 'https:' ? next.toString() : null
  } catch {
    return null
  }
}

export function analyseRedirect (from: string, to: string, status: number): RedirectReport {
  const a = originOf(from)
  const b = originOf(to)
  const changes = a !== null && b !== null ? originChanges(a, b) : ['host']
  const verdicts = a !== null && b !== null ? redirectVerdicts(a, b) : []
  return {
    from: displayUrl(from),
    to: displayUrl(to),
    status,
    changesOrigin: changes.length > 0,
    changes,
    dropAuthorization: verdicts.filter((v) => !v.keeps).map((v) => v.client.name),
    keepAuthorization: verdicts.filter((v) => v.keeps).map((v) => v.client.name)
  }
}
