// `hopwatch demo`: a demo app, a small Node layer in front of it that strips Authorization
// on /admin (it stands in for an NGINX location with `proxy_set_header Authorization "";`),
// and hopwatch between the two. Sends a few requests and prints the text report. Loopback only.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { loadServeConfig } from '../config/config.js'
import { startServer } from '../proxy/server.js'
import { EXIT_OK, type Command } from './io.js'

const HOST = '127.0.0.1'

export async function listen (server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  return (server.address() as AddressInfo).port
}

/** The app: 200 with the right Bearer token, otherwise 401 with a Bearer challenge. */
export function demoApp (token: string): Server {
  return createServer((req, res) => {
    req.resume()
    if (req.headers.authorization === `Bearer ${token}`) {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=s3ss10n; Path=/; HttpOnly; SameSite=Lax' })
      res.end(JSON.stringify({ ok: true, path: req.url }))
      return
    }
    const error = req.headers.authorization === undefined ? '' : ', error="invalid_token"'
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="demo"${error}` })
    res.end(JSON.stringify({ error: 'unauthorized' }))
  })
}

/** The misconfigured layer: forwards to hopwatch, drops Authorization under /admin. */
export function strippingLayer (targetPort: number): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    // Like any proxy, it says so: Via (RFC 9110 7.6.3) and X-Forwarded-For.
    const headers = { ...req.headers, via: '1.1 demo-layer', 'x-forwarded-for': req.socket.remoteAddress ?? HOST }
    if ((req.url ?? '').startsWith('/admin')) delete headers.authorization
    const upstream = httpRequest({ host: HOST, port: targetPort, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => { res.writeHead(502); res.end() })
    req.pipe(upstream)
  })
}

export async function send (port: number, path: string, headers: Record<string, string>): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: HOST, port, path, headers, timeout: 5000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('timeout', () => req.destroy(new Error('demo request timed out')))
    req.on('error', reject)
    req.end()
  })
}

async function fetchText (url: string): Promise<string> {
  const res = await fetch(url, { headers: { accept: 'text/plain' }, signal: AbortSignal.timeout(5000) })
  return await res.text()
}

/** The demo's chain, started: app <- hopwatch (silent) <- a layer that strips Authorization on /admin. */
export async function startDemoChain () {
  const token = `demo-${randomBytes(12).toString('hex')}`
  const app = demoApp(token)
  const appPort = await listen(app)
  const config = loadServeConfig(['--upstream', `http://${HOST}:${appPort}`, '--listen', `${HOST}:0`, '--admin', `${HOST}:0`, '--log-level', 'silent'], {})
  const hopwatch = await startServer(config, { logDestination: new Writable({ write: (_c, _e, done) => done() }) })
  const layer = strippingLayer(Number(new URL(hopwatch.trafficUrl).port))
  const layerPort = await listen(layer)
  return { token, app, appPort, hopwatch, layer, layerPort }
}

export const demo: Command = async (argv, io) => {
  if (argv.includes('--help')) {
    io.stdout('Usage: hopwatch demo\n\nRuns app <- hopwatch <- a layer that strips Authorization on /admin, sends a few requests, prints the report.\n')
    return EXIT_OK
  }
  const { token, app, appPort, hopwatch, layer, layerPort } = await startDemoChain()
  try {
    io.stdout(`demo: client -> layer :${layerPort} (strips Authorization on /admin, like a bad NGINX location) -> hopwatch ${hopwatch.trafficUrl} -> app :${appPort}\n`)
    const bearer = { authorization: `Bearer ${token}` }
    const calls: Array<[string, Record<string, string>]> = [
      ['/api/profile', bearer],
      ['/api/orders/1042', bearer],
      ['/admin/stats', bearer],
      ['/admin/users/77', bearer],
      ['/api/profile', {}]
    ]
    for (const [path, headers] of calls) {
      const status = await send(layerPort, path, headers)
      io.stdout(`demo: GET ${path} ${headers.authorization === undefined ? 'without' : 'with'} Authorization -> ${status}\n`)
    }
    io.stdout('\n')
    io.stdout(await fetchText(`${hopwatch.adminUrl}/report?format=text`))
    io.stdout('\nRead it: Authorization arrived at hopwatch on /api routes but never on /admin routes, which answered 401:\nthe layer in front of hopwatch dropped it there. Run `hopwatch serve --help` to put hopwatch in front of your app.\n')
  } finally {
    layer.close()
    await hopwatch.close()
    app.close()
  }
  return EXIT_OK
}
