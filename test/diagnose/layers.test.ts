// Layer recognition from the evidence each layer leaves, and Via parsed per RFC 9110.
import t from 'tap'
import { recogniseLayers } from '../../src/diagnose/layers/index.js'
import { parseVia } from '../../src/diagnose/layers/via.js'
import { viewOf } from '../../src/diagnose/view.js'
import type { LayerSighting } from '../../src/diagnose/types.js'
import { exchange, type ExchangeOverrides } from './factory.js'

function layers (over: ExchangeOverrides): LayerSighting[] {
  const ex = exchange(over)
  return recogniseLayers(viewOf(ex), ex)
}

function ids (over: ExchangeOverrides): string[] {
  return layers(over).map((l) => `${l.id}:${l.confidence}`).sort()
}

t.test('Via per RFC 9110', async (t) => {
  t.same(parseVia(['1.0 fred, 1.1 p.example.net']).map((v) => v.receivedBy), ['fred', 'p.example.net'])
  const [cf] = parseVia(['1.1 d111111abcdef8.cloudfront.net (CloudFront)'])
  t.equal(cf?.comment, 'CloudFront')
  t.equal(cf?.protocol, 'HTTP')
  const [ws] = parseVia(['WS/1.1 gw:8443 (a, nested (comment), here)'])
  t.equal(ws?.protocol, 'WS')
  t.equal(ws?.receivedBy, 'gw:8443')
  t.equal(ws?.comment, 'a, nested (comment), here', 'commas inside a comment do not split')
  t.same(parseVia(['', 'garbage', '1.1']), [], 'malformed members are skipped')
  t.equal(parseVia([Array.from({ length: 100 }, () => '1.1 x').join(',')]).length, 16, 'members are bounded')
})

t.test('one layer at a time', async (t) => {
  t.same(ids({}), [], 'no proxy')
  t.same(ids({ headers: { 'CF-Ray': '8a-AMS', 'CDN-Loop': 'cloudflare', 'CF-Connecting-IP': '192.0.2.1' } }), ['cloudflare:certain'])
  t.same(ids({ headers: { 'CF-Ray': '8a-AMS' } }), ['cloudflare:likely'])
  t.same(ids({ headers: { 'X-Amz-Cf-Id': 'abc', Via: '1.1 d1.cloudfront.net (CloudFront)' } }), ['cloudfront:certain'])
  t.same(ids({ headers: { 'x-amzn-Remapped-Authorization': '' } }), ['aws-api-gateway:likely'])
  t.same(ids({ headers: { 'X-Amzn-Oidc-Data': '', 'X-Amzn-Trace-Id': 'Root=1-6789-ab' } }), ['aws-alb:likely'])
  t.same(ids({ headers: { 'X-Amzn-Trace-Id': 'Root=1-6789-ab' } }), ['aws-alb:possible'], 'a trace id alone is weak')
  t.same(ids({ httpVersion: '1.0', headers: { Connection: 'close' } }), ['nginx:likely'], 'proxy_pass defaults')
  t.same(ids({ httpVersion: '1.0', headers: { Connection: 'close', 'X-Forwarded-For': '192.0.2.1' } }), ['nginx:possible'],
    'HTTP/1.0 with X-Forwarded-For: nginx with its proxy_http_version default, a weak clue')
  t.same(ids({ httpVersion: '1.0', headers: { Connection: 'close', 'X-Forwarded-For': '192.0.2.1', 'X-Real-IP': '192.0.2.1' } }), ['nginx:likely'],
    'two weak clues')
  t.same(ids({ headers: { 'X-Real-IP': '192.0.2.1' } }), ['nginx:possible'])
  t.same(ids({ headers: { 'X-Request-ID': 'r', 'X-Real-IP': '192.0.2.1', 'X-Forwarded-Scheme': 'https', 'X-Scheme': 'https', 'X-Forwarded-For': '192.0.2.1' } }),
    ['ingress-nginx:likely'], 'ingress-nginx swallows the X-Real-IP nginx sighting')
  t.same(ids({ headers: { 'X-Forwarded-For': '192.0.2.1', 'X-Forwarded-Host': 'a.example', 'X-Forwarded-Server': 'localhost' } }), ['apache:likely'])
  t.same(ids({ headers: { 'X-Forwarded-For': '192.0.2.1', 'X-Forwarded-Host': 'a.example' } }), ['apache:possible'])
  t.same(ids({ headers: { 'X-Forwarded-Server': 'traefik-1', 'X-Forwarded-Port': '443', 'X-Forwarded-Proto': 'https', 'X-Real-Ip': '192.0.2.1', 'X-Forwarded-For': '192.0.2.1' } }),
    ['traefik:certain'], 'traefik, not apache, although both add X-Forwarded-Server')
  t.same(ids({ headers: { 'x-envoy-expected-rq-timeout-ms': '15000', 'x-request-id': 'r', 'x-b3-traceid': 't' } }), ['envoy:likely'], 'one strong and one weak clue')
  t.same(ids({ headers: { 'X-Varnish': '32770', Via: '1.1 varnish (Varnish/7.1)' } }), ['varnish:certain'])
  t.same(ids({ headers: { Via: '1.1 vegur' } }), ['unknown-proxy:likely'], 'an unknown Via entry is a proxy of unknown kind')
})

t.test('evidence names what gave a layer away, never a credential', async (t) => {
  const [cf] = layers({ headers: { 'CF-Ray': '8a-AMS', 'CDN-Loop': 'cloudflare' } })
  t.same(cf?.evidence, ['CF-Ray', 'CDN-Loop: cloudflare'])
  const [via] = layers({ headers: { Via: '1.1 d1.cloudfront.net (CloudFront)' } })
  t.same(via?.evidence, ['Via: 1.1 d1.cloudfront.net (CloudFront)'])
})

t.test('a chain: Cloudflare in front of nginx', async (t) => {
  t.same(ids({ httpVersion: '1.0', headers: { Connection: 'close', 'CF-Ray': '8a', 'CF-Visitor': '{"scheme":"https"}' } }),
    ['cloudflare:certain', 'nginx:likely'])
})
