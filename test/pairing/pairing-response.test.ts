// Response headers across the taps (WWW-Authenticate, Proxy-Authenticate, Set-Cookie, Location),
// the layer between the taps blamed, and a 401's blame taken back when the edge saw nothing.
// The real-server version is test/diagnose/integration/truth-taps.test.ts.
import t from 'tap'
import type { ResponseSummary } from '../../src/capture/types.js'
import { createPairing } from '../../src/pairing/pairing.js'
import { compareResponses } from '../../src/pairing/pair-response.js'

const response = (over: Partial<ResponseSummary> = {}): ResponseSummary => ({
  status: 401,
  source: 'upstream',
  wwwAuthenticate: [{ scheme: 'Bearer', realm: 'api', params: ['realm'], error: null }],
  proxyAuthenticate: [],
  setCookies: [],
  location: null,
  date: null,
  retryAfter: null,
  ...over
})

t.test('a removed challenge is an error; a changed one a warning; the same one nothing', async (t) => {
  t.same(compareResponses(response(), response({ wwwAuthenticate: [] })).map((c) => `${c.header}:${c.what}:${c.severity}`), ['www-authenticate:removed:error'])
  const changed = compareResponses(response(), response({ wwwAuthenticate: [{ scheme: 'Basic', realm: 'proxy', params: ['realm'], error: null }] }))
  t.same(changed.map((c) => `${c.header}:${c.what}:${c.severity}`), ['www-authenticate:changed:warning'])
  t.same(compareResponses(response(), response()), [])
})

t.test('Set-Cookie names and attributes, Location origins, never values or paths', async (t) => {
  const origin = response({ status: 302, wwwAuthenticate: [], setCookies: [{ name: 'sid', attributes: ['Path=/', 'HttpOnly'] }, { name: 'csrf', attributes: [] }], location: 'http://127.0.0.1:3000/next?token=secret-in-query' })
  const edge = response({ status: 302, wwwAuthenticate: [], setCookies: [{ name: 'sid', attributes: ['Path=/', 'HttpOnly', 'Secure'] }, { name: 'csrf', attributes: [] }], location: 'https://api.example.com/next?token=secret-in-query' })
  const changes = compareResponses(origin, edge)
  t.same(changes.map((c) => `${c.header}:${c.what}:${c.severity}`), ['set-cookie:changed:info', 'location:changed:info'])
  t.match(changes[0]?.detail ?? '', /sid \(\+Secure\)/)
  t.notOk(JSON.stringify(changes).includes('secret-in-query'), 'no Location path or query in the evidence')
  const removed = compareResponses(origin, { ...edge, setCookies: [] })
  t.equal(removed[0]?.what, 'removed')
  t.match(removed[0]?.detail ?? '', /sid, csrf/)
})

t.test('a response the edge tap made itself says nothing about the layers', async (t) => {
  t.same(compareResponses(response(), response({ status: 502, source: 'hopwatch', wwwAuthenticate: [] })), [])
})

t.test('pairing: blamed on the layer between the taps; an anonymous client takes back the origin\'s blame', async (t) => {
  const pairing = createPairing()
  const s = pairing.stamp()
  pairing.observe('origin', s.id, { method: 'GET', path: '/x', arrived: [], response: response(), exchangeId: 'o-1', layers: ['nginx'] })
  const result = pairing.observe('edge', s.id, { method: 'GET', path: '/x', arrived: [], response: response({ wwwAuthenticate: [] }), exchangeId: 'e-1', layers: [] })
  t.equal(result?.confidence, 'certain')
  const hidden = result?.findings.find((f) => f.header === 'www-authenticate')
  t.same([hidden?.severity, hidden?.layer], ['error', 'nginx'])
  const anonymous = result?.findings.find((f) => f.rule === 'credential-missing-on-401')
  t.same([anonymous?.severity, anonymous?.layer, anonymous?.withdraws], ['info', null, { rule: 'credential-missing-on-401', exchangeId: 'o-1' }])
})
