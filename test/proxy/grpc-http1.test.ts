// An HTTP/1.1 client speaking gRPC's framing through hopwatch (--upstream-protocol h2c) to a real
// grpc-js server: what HTTP/1.1 clients get from an HTTP/2 upstream. grpc-status arrives as a
// chunked trailer field; an error sent trailers-only (grpc-status in the head) arrives as plain
// response headers. hopwatch records the gRPC status either way and reads UNAUTHENTICATED as a 401.
import t from 'tap'
import { request } from 'node:http'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { startGrpcServer } from '../helpers/grpc-server.js'
import { makePki } from '../helpers/tls-certs.js'
import { mergeReports } from '../../src/report/merge.js'
import type { Report } from '../../src/report/model.js'

const TOKEN = 'Bearer grpc-http1-test-token'

/** One gRPC message frame: not compressed, 4-byte length, the protobuf bytes. */
function frame (message: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head.writeUInt32BE(message.length, 1)
  return Buffer.concat([head, message])
}

/** OrderRequest { id } as protobuf: field 1, length-delimited. */
function orderRequest (id: string): Buffer {
  return Buffer.concat([Buffer.from([0x0a, id.length]), Buffer.from(id)])
}

interface Got { status: number; headers: Record<string, unknown>; body: Buffer; trailers: Record<string, string | undefined> }

async function call (url: string, headers: Record<string, string>, body: Buffer): Promise<Got> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), trailers: res.trailers }) })
    })
    req.on('timeout', () => { req.destroy(new Error('client timeout')) })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('HTTP/1.1 client -> hopwatch -> grpc-js over h2c: status in trailers, UNAUTHENTICATED in the head', async (t) => {
  const server = await startGrpcServer({ token: TOKEN })
  const hw = await startHopwatch(`http://${server.address}`, ['--upstream-protocol', 'h2c'])
  t.teardown(async () => { await hw.close(1000); await server.close() })
  const url = `${hw.trafficUrl}/hopwatch.test.Orders/Get`
  const grpcHeaders = { 'content-type': 'application/grpc', te: 'trailers' }

  const ok = await call(url, { ...grpcHeaders, authorization: TOKEN }, frame(orderRequest('42')))
  t.equal(ok.status, 200)
  t.equal(ok.trailers['grpc-status'], '0', 'grpc-status arrives as a chunked trailer field')
  t.equal(ok.body.length, 5 + 6, 'one Order frame: id "42", seq 1')
  t.equal(ok.body.subarray(5).toString('hex'), '0a0234321001')
  t.equal(server.calls[0]?.tokenMatched, true, 'the token reached the server intact')

  const refused = await call(url, grpcHeaders, frame(orderRequest('43')))
  t.equal(refused.status, 200, 'gRPC errors are HTTP 200')
  t.equal(refused.headers['grpc-status'], '16', 'trailers-only: the status is a response header')
  t.equal(refused.headers['grpc-message'], 'missing%20authorization%20metadata')

  await waitForExchanges(hw, 2)
  const [last, first] = hw.store.list()
  t.equal(first?.response.grpcStatus, 0)
  t.equal(last?.response.grpcStatus, 16)
  t.equal(last?.response.grpcMessage, 'missing authorization metadata', 'the message reads like words: kept')
  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as { grpcStatuses?: Record<string, number>; routes: Array<{ unauthorized: number }>; findings: Array<{ rule: string; severity: string; layer: string | null }> }
  t.same(report.grpcStatuses, { 0: 1, 16: 1 })
  t.equal(report.routes[0]?.unauthorized, 1, 'UNAUTHENTICATED counted as a 401 on its route')
  const missing = report.findings.filter((f) => f.rule === 'credential-missing-on-401')
  // Ground truth: this client sent the token on its first call through no layer, then called
  // without it: no layer in front to blame, a warning about the client's own call.
  t.equal(missing.length, 1)
  t.equal(missing[0]?.layer, null, 'no layer blamed')
  t.notOk(JSON.stringify(report).includes('grpc-http1-test-token'), 'the token is nowhere in the report')
  // A fleet report sums grpcStatuses; a replica that saw no gRPC adds nothing.
  const full = report as unknown as Report
  const plain = { ...full, grpcStatuses: undefined }
  delete plain.grpcStatuses
  const merged = mergeReports([{ admin: 'http://a', report: full, error: null }, { admin: 'http://b', report: full, error: null }, { admin: 'http://c', report: plain, error: null }])
  t.same(merged.grpcStatuses, { 0: 2, 16: 2 })
})

t.test('grpc-js over TLS (--upstream-protocol h2, --upstream-ca): the call goes through, verified', async (t) => {
  const pki = makePki()
  t.teardown(() => pki.remove())
  const server = await startGrpcServer({ token: TOKEN, tls: pki.good })
  const hw = await startHopwatch(`https://${server.address}`, ['--upstream-protocol', 'h2', '--upstream-ca', pki.caFile])
  t.teardown(async () => { await hw.close(1000); await server.close() })
  const ok = await call(`${hw.trafficUrl}/hopwatch.test.Orders/Get`, { 'content-type': 'application/grpc', te: 'trailers', authorization: TOKEN }, frame(orderRequest('7')))
  t.equal(ok.status, 200)
  t.equal(ok.trailers['grpc-status'], '0')
  t.equal(server.calls[0]?.tokenMatched, true)
  const report = await (await fetch(`${hw.adminUrl}/report`)).json() as { upstreamTls?: string; grpcStatuses?: Record<string, number> }
  t.equal(report.upstreamTls, 'verified')
  t.same(report.grpcStatuses, { 0: 1 })
})
