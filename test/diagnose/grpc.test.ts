// gRPC status in the diagnosis: grpc-status read from trailers (or a trailers-only head),
// grpc-message kept only when it reads like words, UNAUTHENTICATED (16) treated as a 401 and
// PERMISSION_DENIED (7) as a 403 by the rules; a gRPC answer has no WWW-Authenticate to miss.
import t from 'tap'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { RULES } from '../../src/diagnose/rules/index.js'
import type { Finding } from '../../src/diagnose/types.js'
import type { Exchange } from '../../src/capture/types.js'
import { grpcOutcome, isForbidden, isUnauthenticated, MESSAGE_NOT_SHOWN, shownGrpcMessage } from '../../src/capture/grpc.js'
import { summarizeResponse } from '../../src/capture/response.js'
import { exchange, NOW, seen } from './factory.js'

function run (ruleId: string, before: Exchange[], ex: Exchange): Finding[] {
  const rule = RULES.find((r) => r.meta.id === ruleId)
  if (rule === undefined) throw new Error(`no rule ${ruleId}`)
  const diagnoser = createDiagnoser({ expectIssuers: [], expectAudiences: [], now: () => NOW, rules: [rule] })
  for (const b of before) diagnoser.observe(b)
  return diagnoser.observe(ex).filter((f) => f.rule === ruleId)
}

const grpc = (grpcStatus: number, over: Parameters<typeof exchange>[0] = {}): Exchange =>
  exchange({ method: 'POST', path: '/orders.Orders/Get', route: '/orders.Orders/Get', ...over, response: { status: 200, grpcStatus, ...over.response } })
const NGINX = { httpVersion: '1.0', headers: { Connection: 'close' } }

t.test('grpc-status from the trailers first, else from the head; the message only as words', async (t) => {
  t.same(grpcOutcome({ 'content-type': 'application/grpc' }, { 'grpc-status': '16', 'grpc-message': 'missing%20authorization%20metadata' }),
    { grpcStatus: 16, grpcMessage: 'missing authorization metadata' })
  t.same(grpcOutcome({ 'grpc-status': '7' }, null), { grpcStatus: 7 }, 'trailers-only answer: status in the head')
  t.same(grpcOutcome({ 'grpc-status': '2' }, { 'grpc-status': '0' }), { grpcStatus: 0 }, 'the trailers win')
  t.equal(grpcOutcome({ 'content-type': 'text/html' }, null), null, 'not gRPC')
  t.equal(grpcOutcome({ 'grpc-status': 'abc' }, null), null, 'not a code')
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
  t.equal(shownGrpcMessage(`invalid token ${token}`), MESSAGE_NOT_SHOWN, 'a token in the message hides it all')
  t.equal(shownGrpcMessage(encodeURIComponent(`bad key ${'f3a9c2d18e7b4c6a'}`)), MESSAGE_NOT_SHOWN)
  t.equal(shownGrpcMessage('Permission denied: role reader cannot call Delete'), 'Permission denied: role reader cannot call Delete')
  t.equal(shownGrpcMessage('%E0%A4%A'), MESSAGE_NOT_SHOWN, 'bad percent-encoding')
  const summary = summarizeResponse(200, { 'content-type': 'application/grpc' }, 'upstream', { 'grpc-status': '16' })
  t.equal(summary.grpcStatus, 16)
  t.ok(isUnauthenticated(summary))
  t.notOk(isForbidden(summary))
  t.notOk('grpcStatus' in summarizeResponse(200, {}, 'upstream'), 'no field for a plain HTTP answer')
})

t.test('credential-missing-on-401: gRPC UNAUTHENTICATED without a credential is the 401 of gRPC', async (t) => {
  const anonymous = run('credential-missing-on-401', [], grpc(16, { arrived: [], ...NGINX }))
  t.equal(anonymous.length, 1)
  t.equal(anonymous[0]?.severity, 'info', 'a client never seen with a credential: anonymous, nobody blamed')
  t.equal(anonymous[0]?.layer, null)
  t.match(anonymous[0]?.evidence[0], /gRPC UNAUTHENTICATED \(16\)/)
  const lost = run('credential-missing-on-401', [grpc(0, NGINX)], grpc(16, { arrived: [], ...NGINX }))
  t.equal(lost[0]?.layer, 'nginx', 'the same client sent it before through nginx: nginx is blamed')
  t.equal(lost[0]?.severity, 'error')
  t.same(run('credential-missing-on-401', [], grpc(16)), [], 'quiet: the token arrived (a bad token, not a missing one)')
  t.same(run('credential-missing-on-401', [], grpc(0, { arrived: [] })), [], 'quiet: OK without a credential')
  t.same(run('credential-missing-on-401', [], grpc(7, { arrived: [] })), [], 'quiet: PERMISSION_DENIED is no 401')
})

t.test('forbidden-not-unauthorized: gRPC PERMISSION_DENIED with credentials', async (t) => {
  const found = run('forbidden-not-unauthorized', [], grpc(7))
  t.equal(found.length, 1)
  t.match(found[0]?.evidence[0], /gRPC PERMISSION_DENIED \(7\)/)
  t.same(run('forbidden-not-unauthorized', [], grpc(16)), [])
})

t.test('www-authenticate-missing: gRPC does not challenge, so UNAUTHENTICATED is not flagged', async (t) => {
  t.same(run('www-authenticate-missing', [], grpc(16, { arrived: [] })), [])
})

t.test('working-vs-failing: an OK call and an UNAUTHENTICATED one on the same method differ', async (t) => {
  const found = run('working-vs-failing', [grpc(0)], grpc(16, { arrived: [seen('X-Api-Key')] }))
  t.equal(found.length, 1)
  t.same(run('working-vs-failing', [grpc(5)], grpc(16, { arrived: [seen('X-Api-Key')] })), [], 'NOT_FOUND (5) is no working call, though HTTP said 200')
})
