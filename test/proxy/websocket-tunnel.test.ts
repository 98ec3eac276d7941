// The joined sockets after a 101, seen with raw TCP on both sides (any Upgrade protocol, not only
// websocket): bytes that came with the handshake (both heads) arrive, a half-close passes
// through with the other direction still open, an abrupt end on either side closes the other,
// and no socket is left open on any of the three.
import t from 'tap'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { Writable } from 'node:stream'
import { loadServeConfig } from '../../src/config/config.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { createHasher } from '../../src/capture/fingerprint.js'
import { Auditor } from '../../src/audit/audit.js'
import { createLogger } from '../../src/proxy/logger.js'
import { createTrafficApp } from '../../src/proxy/traffic.js'
import { ExchangeStore } from '../../src/store/store.js'

const BOUND_MS = 5000

interface RawUpstream { server: Server; url: string; received: () => string; ended: Promise<void>; socket: Promise<Duplex> }

/** Switches any upgrade with `EARLY` in the same write as its 101; after the client's FIN it still sends `AFTER-FIN`, then ends. */
async function rawUpstream (): Promise<RawUpstream> {
  const server = createServer()
  let data = ''
  let endedResolve = (): void => {}
  const ended = new Promise<void>((resolve) => { endedResolve = resolve })
  let socketResolve = (_s: Duplex): void => {}
  const socket = new Promise<Duplex>((resolve) => { socketResolve = resolve })
  server.on('upgrade', (_req: IncomingMessage, s: Duplex, head: Buffer) => {
    s.on('error', () => {})
    data += head.toString('latin1')
    s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x-raw\r\nConnection: Upgrade\r\n\r\nEARLY')
    s.on('data', (c: Buffer) => { data += c.toString('latin1') })
    s.on('end', () => { endedResolve(); s.end('AFTER-FIN') })
    socketResolve(s)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => data, ended, socket }
}

async function connections (server: Server): Promise<number> {
  return await new Promise((resolve) => server.getConnections((_err, n) => resolve(n)))
}

async function settlesTo (read: () => Promise<number>, want: number): Promise<number> {
  const until = Date.now() + BOUND_MS
  let n = await read()
  while (n !== want && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    n = await read()
  }
  return n
}

async function until (check: () => boolean): Promise<boolean> {
  const end = Date.now() + BOUND_MS
  while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 10))
  return check()
}

async function setup (t: { teardown: (fn: () => Promise<void>) => void }) {
  const upstream = await rawUpstream()
  const config = loadServeConfig(['--upstream', upstream.url, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0'], {})
  const store = new ExchangeStore(10)
  const sink = new Writable({ write (_c, _e, cb) { cb() } })
  const auditor = new Auditor({ credentialNames: credentialHeaderSet([]), hash: createHasher(null), store, logger: createLogger('info', sink) })
  const app = await createTrafficApp({ config, auditor })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => {
    app.server.closeAllConnections()
    await app.close()
    upstream.server.closeAllConnections()
    await new Promise<void>((resolve) => upstream.server.close(() => resolve()))
  })
  const client: Socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1')
  let fromUpstream = ''
  let clientEnded = false
  client.on('data', (c: Buffer) => { fromUpstream += c.toString('latin1') })
  client.on('end', () => { clientEnded = true })
  client.on('error', () => {})
  // Bytes right after the request: they belong to the new protocol and must reach the upstream.
  client.write('GET /tunnel HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: x-raw\r\n\r\nPIPELINED')
  return { upstream, app, store, client, received: () => fromUpstream, clientEnded: () => clientEnded }
}

t.test('heads both ways, half-close passed on, every socket closed after', async (t) => {
  const { upstream, app, store, client, received, clientEnded } = await setup(t)
  t.ok(await until(() => received().includes('EARLY')), "the upstream's bytes sent with its 101 reach the client")
  t.match(received(), /^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: x-raw\r\nConnection: Upgrade\r\n\r\nEARLY/, 'the 101 as the upstream wrote it')
  client.write('MORE')
  t.ok(await until(() => upstream.received() === 'PIPELINEDMORE'), 'the client\'s pipelined bytes, then later ones, reach the upstream in order')
  client.end()
  await upstream.ended
  t.pass("the client's FIN reached the upstream")
  t.ok(await until(() => received().endsWith('AFTER-FIN') && clientEnded()), 'the upstream could still send after the client\'s FIN, then its FIN came through')
  t.equal(await settlesTo(async () => await connections(app.server), 0), 0, 'no socket left on hopwatch')
  t.equal(await settlesTo(async () => await connections(upstream.server), 0), 0, 'none left on the upstream')
  const ex = store.list()[0]
  t.equal(ex?.response.status, 101)
  t.equal(ex?.websocket, false, 'an upgrade to another protocol is not flagged websocket')
})

t.test('the upstream resets the tunnel: the client is closed, nothing left open', async (t) => {
  const { upstream, app, client, received } = await setup(t)
  t.ok(await until(() => received().includes('EARLY')))
  const closedClient = new Promise<void>((resolve) => client.once('close', () => resolve()))
  const upstreamSide = await upstream.socket
  ;(upstreamSide as Socket).resetAndDestroy()
  await closedClient
  t.pass('client closed')
  t.equal(await settlesTo(async () => await connections(app.server), 0), 0, 'no socket left on hopwatch')
})

t.test('the client goes away abruptly: the upstream side is closed too', async (t) => {
  const { upstream, app, client, received } = await setup(t)
  t.ok(await until(() => received().includes('EARLY')))
  const upstreamSide = await upstream.socket
  const closedUpstream = new Promise<void>((resolve) => upstreamSide.once('close', () => resolve()))
  client.resetAndDestroy()
  await closedUpstream
  t.pass('upstream side closed')
  t.equal(await settlesTo(async () => await connections(app.server), 0), 0, 'no socket left on hopwatch')
  t.equal(await settlesTo(async () => await connections(upstream.server), 0), 0, 'none left on the upstream')
})
