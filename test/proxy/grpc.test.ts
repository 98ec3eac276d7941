// gRPC through hopwatch with real software on both ends: a grpc-js client (h2c to hopwatch's
// traffic listener) and a grpc-js server (--upstream-protocol h2c). Unary, server-streaming and
// bidi calls; metadata with a token, without one, and with a client interceptor that strips it.
// Ground truth, written before reading the output: calls with the token succeed and the server
// sees the token intact; calls without it get UNAUTHENTICATED (16) from the server; there is no
// layer between the client and hopwatch, so no finding may blame a layer: a missing token here
// is the client's doing (its interceptor), and the report says 16 and blames nobody.
import t from 'tap'
import * as grpc from '@grpc/grpc-js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { loadOrders, startGrpcServer, type Order, type OrdersClient } from '../helpers/grpc-server.js'

const TOKEN = 'Bearer grpc-e2e-secret-token-4711'
const TRACE = Buffer.from('0123456789abcdef-binary-trace')

function tokenMetadata (): grpc.Metadata {
  const metadata = new grpc.Metadata()
  metadata.set('authorization', TOKEN)
  metadata.set('trace-bin', TRACE)
  return metadata
}

/** A client interceptor that removes `authorization` from every call's metadata, as a buggy auth middleware would. */
const stripAuthorization: grpc.Interceptor = (options, nextCall) => new grpc.InterceptingCall(nextCall(options), {
  start: (metadata, listener, next) => {
    metadata.remove('authorization')
    next(metadata, listener)
  }
})

async function unary (client: OrdersClient, metadata: grpc.Metadata): Promise<{ code: number; order?: Order }> {
  return await new Promise((resolve) => {
    client.Get({ id: 'o-1', count: 0 }, metadata, { deadline: Date.now() + 20_000 }, (err, order) => {
      resolve(err === null ? { code: grpc.status.OK, ...(order === undefined ? {} : { order }) } : { code: err.code })
    })
  })
}

async function watch (client: OrdersClient, metadata: grpc.Metadata, count: number): Promise<{ code: number; seqs: number[] }> {
  return await new Promise((resolve) => {
    const seqs: number[] = []
    const call = client.Watch({ id: 'o-2', count }, metadata, { deadline: Date.now() + 20_000 })
    call.on('data', (order: Order) => { seqs.push(order.seq) })
    call.on('error', () => { /* the status event carries the code */ })
    call.on('status', (status: grpc.StatusObject) => { resolve({ code: status.code, seqs }) })
  })
}

async function chat (client: OrdersClient, metadata: grpc.Metadata, rounds: number): Promise<{ code: number; seqs: number[] }> {
  return await new Promise((resolve) => {
    const seqs: number[] = []
    const call = client.Chat(metadata, { deadline: Date.now() + 20_000 })
    call.on('data', (order: Order) => {
      seqs.push(order.seq)
      if (seqs.length < rounds) call.write({ id: 'o-3', seq: order.seq })
      else call.end()
    })
    call.on('error', () => { /* the status event carries the code */ })
    call.on('status', (status: grpc.StatusObject) => { resolve({ code: status.code, seqs }) })
    call.write({ id: 'o-3', seq: 0 })
  })
}

t.test('grpc-js client -> hopwatch (h2c) -> grpc-js server: tokens, no token, a stripping interceptor', async (t) => {
  const server = await startGrpcServer({ token: TOKEN })
  const hw = await startHopwatch(`http://${server.address}`, ['--upstream-protocol', 'h2c'])
  const { Client } = loadOrders()
  const address = new URL(hw.trafficUrl).host
  const client = new Client(address, grpc.credentials.createInsecure())
  const stripping = new Client(address, grpc.credentials.createInsecure(), { interceptors: [stripAuthorization] })
  t.teardown(async () => { client.close(); stripping.close(); await hw.close(1000); await server.close() })

  const ok = await unary(client, tokenMetadata())
  t.equal(ok.code, grpc.status.OK)
  t.same(ok.order, { id: 'o-1', seq: 1 })
  const streamed = await watch(client, tokenMetadata(), 5)
  t.equal(streamed.code, grpc.status.OK)
  t.same(streamed.seqs, [1, 2, 3, 4, 5], 'server-streaming: every message, in order')
  const talked = await chat(client, tokenMetadata(), 3)
  t.equal(talked.code, grpc.status.OK)
  t.same(talked.seqs, [1, 2, 3], 'bidi: each reply answers the message before')
  t.ok(server.calls.every((c) => c.tokenMatched), 'the server saw the token intact on every call with it')
  t.ok(server.calls.every((c) => c.keys.includes('trace-bin')), '-bin metadata forwarded')

  const stripped = await unary(stripping, tokenMetadata())
  t.equal(stripped.code, grpc.status.UNAUTHENTICATED)
  const strippedWatch = await watch(stripping, tokenMetadata(), 5)
  t.equal(strippedWatch.code, grpc.status.UNAUTHENTICATED)
  t.same(strippedWatch.seqs, [])
  const bare = await unary(client, new grpc.Metadata())
  t.equal(bare.code, grpc.status.UNAUTHENTICATED)
  t.equal(server.calls.filter((c) => !c.authorized).length, 3, 'three calls reached the server without a token')

  await waitForExchanges(hw, 6, 10_000)
  const exchanges = hw.store.list()
  const statuses = exchanges.map((e) => e.response.grpcStatus).sort((a, b) => (a ?? -1) - (b ?? -1))
  t.same(statuses, [0, 0, 0, 16, 16, 16])
  t.equal(exchanges.filter((e) => e.headerNames.includes('trace-bin')).length, 5, '-bin metadata recorded by name on the five calls that sent it')
  for (const e of exchanges) {
    t.equal(e.response.status, 200, 'gRPC answers are HTTP 200')
    if (e.response.grpcStatus === 0) {
      t.same(e.arrived.map((h) => h.key), ['authorization'])
      t.equal(e.arrived[0]?.values[0]?.scheme, 'Bearer')
      t.same(e.forwarded?.map((h) => h.key), ['authorization'], 'forwarded upstream')
    } else {
      t.same(e.arrived, [], 'nothing arrived: the interceptor or the caller left it out')
      t.equal(e.response.grpcMessage, 'missing authorization metadata')
    }
  }

  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as {
    grpcStatuses?: Record<string, number>
    routes: Array<{ route: string; unauthorized: number }>
    findings: Array<{ rule: string; layer: string | null; severity: string; count: number }>
  }
  t.same(report.grpcStatuses, { 0: 3, 16: 3 })
  t.equal(report.routes.find((r) => r.route === '/hopwatch.test.Orders/Get')?.unauthorized, 2)
  const missing = report.findings.filter((f) => f.rule === 'credential-missing-on-401')
  t.equal(missing.reduce((n, f) => n + f.count, 0), 3, 'each UNAUTHENTICATED call without a credential is reported')
  // The same client (address, User-Agent) sent the token on other calls and no layer is in
  // front: the client did not attach it this time, a warning that blames no layer.
  t.ok(missing.every((f) => f.severity === 'warning' && f.layer === null), 'warnings, no layer')
  t.ok(report.findings.every((f) => f.layer === null || f.layer === 'hopwatch'), 'no layer in front is blamed')
  t.notOk(report.findings.some((f) => f.rule === 'www-authenticate-missing'), 'gRPC has no challenge to miss')

  const lines = hw.logs.join('').split('\n').filter((l) => l.includes('"msg":"exchange"'))
  t.same(lines.map((l) => (JSON.parse(l) as { grpcStatus?: number }).grpcStatus).sort(), [0, 0, 0, 16, 16, 16], 'each exchange log line says its gRPC status')
  const text = JSON.stringify(report) + JSON.stringify(exchanges) + hw.logs.join('')
  t.notOk(text.includes('grpc-e2e-secret-token-4711'), 'the token is in no report, exchange or log line')
  t.notOk(text.includes(TRACE.toString('base64').replace(/=+$/, '')), 'the -bin value is in none either')
})
