// Where the admin listener of a running `hopwatch serve` is, as the commands that talk to it
// (health, report) find it: --admin as HOST:PORT or URL, else HOPWATCH_ADMIN as serve reads it.
import { DEFAULT_ADMIN } from '../config/defaults.js'
import { parseHostPort } from '../config/config.js'
import { UsageError } from '../config/flags.js'

/** Turn a listen address into one a client on the same host can reach. */
function reachableHost (host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '0:0:0:0:0:0:0:0') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

/** HOST:PORT (as `serve --admin` takes it) or an http(s) URL, as a URL to the admin listener. */
export function adminUrlFrom (value: string, source: string): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL
    try { url = new URL(value) } catch { throw new UsageError(`${source} is not a valid URL: give one like http://127.0.0.1:9090.`) }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${source} must be an http:// or https:// URL, e.g. http://127.0.0.1:9090.`)
    if (url.username !== '' || url.password !== '') throw new UsageError(`${source} must not carry user:password: pass the token with HOPWATCH_ADMIN_TOKEN.`)
    url.hostname = reachableHost(url.hostname.replace(/^\[|\]$/g, ''))
    return url
  }
  let host: string
  let port: number
  try {
    ({ host, port } = parseHostPort('admin', value))
  } catch {
    throw new UsageError(`${source} must be HOST:PORT or an http:// URL, e.g. 127.0.0.1:9090.`)
  }
  if (port === 0) throw new UsageError(`${source} has port 0 (a random port): give the port the admin listener is on.`)
  return new URL(`http://${reachableHost(host)}:${port}/`)
}

/** --admin-token if given, else HOPWATCH_ADMIN_TOKEN; empty means none. */
export function adminToken (flag: string | undefined, env: NodeJS.ProcessEnv): string | null {
  const token = flag ?? env.HOPWATCH_ADMIN_TOKEN ?? null
  return token === '' ? null : token
}

/** --admin if given, else HOPWATCH_ADMIN, else the default admin address. */
export function adminTarget (flag: string | undefined, env: NodeJS.ProcessEnv): URL {
  if (flag !== undefined) return adminUrlFrom(flag, '--admin')
  const fromEnv = env.HOPWATCH_ADMIN
  return fromEnv !== undefined && fromEnv !== '' ? adminUrlFrom(fromEnv, 'HOPWATCH_ADMIN') : adminUrlFrom(DEFAULT_ADMIN, 'the default admin address')
}
