// An Exchange whose every string is hostile, as if capture had let it all through: the renderers
// must make it inert on their own (html-render.test.ts, browser/pages.test.ts).
import type { Exchange, Fingerprint } from '../../src/capture/types.js'
import type { ExchangeFinding } from '../../src/report/html.js'

export const EVIL = {
  path: '/p/<script>window.__pwned=1</script>',
  route: '/r/"><img src=x onerror="window.__pwned=2">',
  header: "x-'><svg onload=\"window.__pwned=3\">",
  realm: '"><iframe src="javascript:window.__pwned=4">',
  via: '1.1 </pre><script>window.__pwned=5</script>',
  evidence: '`<b onmouseover="window.__pwned=6">`',
  fix: 'Add `</code><script>window.__pwned=7</script>` then `proxy_set_header Authorization $http_authorization;` and a lone `tick',
  cookie: '<style>body{display:none}</style>',
  location: 'javascript:window.__pwned=8'
}

const shape = { doubleSpace: false, leadingOrTrailingSpace: false, quoted: false, controlChars: false, emptyToken: false, joined: false }
const fp: Fingerprint = { scheme: 'Bearer', length: 40, hash: '0123456789abcdef', shape, cookies: [{ name: EVIL.cookie, hash: 'feedfacefeedface', length: 9 }] }

export const hostileExchange: Exchange = {
  id: 'abc123-1',
  startedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
  durationMs: 3.5,
  method: 'GET',
  path: EVIL.path,
  queryKeys: [EVIL.cookie],
  route: EVIL.route,
  httpVersion: '1.1',
  protocol: 'http/1.1',
  tls: false,
  websocket: false,
  headerNames: ['Host', EVIL.header, 'Via'],
  context: { via: [EVIL.via], host: ['127.0.0.1'] },
  arrived: [{ key: EVIL.header, name: EVIL.header, lines: 1, validName: false, values: [fp] }],
  forwarded: [],
  droppedHere: [EVIL.header],
  dropReasons: { [EVIL.header]: EVIL.evidence },
  response: {
    status: 401,
    source: 'upstream',
    wwwAuthenticate: [{ scheme: 'Bearer', realm: EVIL.realm, params: ['realm', EVIL.cookie], error: EVIL.evidence }],
    proxyAuthenticate: [],
    setCookies: [{ name: EVIL.cookie, attributes: [EVIL.via] }],
    location: EVIL.location,
    date: null,
    retryAfter: EVIL.evidence
  },
  clientStatus: 401,
  error: null,
  aborted: false
}

export const hostileFinding: ExchangeFinding = {
  rule: 'credential-missing-on-401',
  severity: 'error',
  header: EVIL.header,
  layer: 'nginx',
  confidence: 'likely',
  summary: `summary ${EVIL.evidence}`,
  remediation: EVIL.fix,
  evidence: [EVIL.evidence, EVIL.realm]
}
