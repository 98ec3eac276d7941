// Readiness: the upstream accepts TCP connections and both listeners are up.
// A plain connect (no HTTP request), so probing readiness never shows up as app traffic.
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

const READY_TIMEOUT_MS = 1000

export async function upstreamReachable (upstream: URL, timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
  const https = upstream.protocol === 'https:'
  const port = Number(upstream.port || (https ? 443 : 80))
  const host = upstream.hostname.replace(/^\[|\]$/g, '')
  return await new Promise((resolve) => {
    const socket = https ? tlsConnect({ host, port, servername: host, rejectUnauthorized: false }) : connect(port, host)
    const done = (ok: boolean): void => { clearTimeout(timer); socket.destroy(); resolve(ok) }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once(https ? 'secureConnect' : 'connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
