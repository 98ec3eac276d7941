// DNS rebinding guard of a token-less admin listener: a page on evil.example that rebinds its
// name to 127.0.0.1 still sends `Host: evil.example`, so only names of this machine pass.
import { isIP } from 'node:net'
import { isLoopback } from '../config/config.js'

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0'])

/** The host name of a Host header, lower case, without port, brackets or a trailing dot; null when malformed. */
export function hostName (header: string): string | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::[0-9]{0,5})?$/.exec(header)
  if (match === null) return null
  const name = (match[1] ?? match[2] ?? '').toLowerCase()
  return name.endsWith('.') && match[2] !== undefined ? name.slice(0, -1) : name
}

/**
 * Whether a token-less admin answers this Host: a loopback name (`localhost`, `127.x.x.x`,
 * `[::1]`, any port), the configured --admin host, or, when --admin binds every interface, any
 * IP literal (a rebinding page always sends its own domain name, never an address).
 * A request without Host (HTTP/1.0; browsers always send one) passes.
 */
export function hostAllowed (header: string | undefined, configuredHost: string): boolean {
  if (header === undefined) return true
  const name = hostName(header)
  if (name === null || name === '') return false
  if (isLoopback(name) || isLoopback(name.replace(/^::ffff:/, ''))) return true
  const configured = configuredHost.toLowerCase()
  if (name === configured) return true
  return WILDCARDS.has(configured) && isIP(name) !== 0
}
