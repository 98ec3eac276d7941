// The client table shared by auth-lost-on-redirect and the probe: who keeps Authorization after
// which redirect.
import t from 'tap'
import { REDIRECT_CLIENTS, describeOrigin, originChanges, originOf, redirectVerdicts, type Origin } from '../../src/diagnose/redirect-clients.js'

function keeps (from: string, to: string): Record<string, boolean> {
  const a = originOf(from) as Origin
  const b = originOf(to, a) as Origin
  return Object.fromEntries(redirectVerdicts(a, b).map((v) => [v.client.id, v.keeps]))
}

t.test('parsing origins', async (t) => {
  t.same(originOf('https://API.example.com/x?token=1'), { scheme: 'https', host: 'api.example.com', port: 443 })
  t.same(originOf('http://a.example:8080'), { scheme: 'http', host: 'a.example', port: 8080 })
  t.same(originOf('/relative', { scheme: 'https', host: 'a.example', port: 443 }), { scheme: 'https', host: 'a.example', port: 443 })
  t.equal(originOf('not a url'), null)
  t.equal(describeOrigin({ scheme: 'https', host: 'a.example', port: 443 }), 'https://a.example', 'default port left out, no path')
  t.same(originChanges({ scheme: 'http', host: 'a', port: 80 }, { scheme: 'https', host: 'a', port: 443 }), ['scheme', 'port'])
})

t.test('same origin: everyone but .NET keeps it (.NET clears it on every redirect)', async (t) => {
  const v = keeps('https://a.example/x', '/y')
  t.equal(v['dotnet-httpclient'], false)
  t.ok(Object.entries(v).filter(([id]) => id !== 'dotnet-httpclient').every(([, k]) => k))
})

t.test('http -> https on default ports', async (t) => {
  t.same(keeps('http://a.example/', 'https://a.example/'), {
    'browser-fetch': false,
    undici: false,
    curl: false,
    'python-requests': true,
    'go-net-http': true,
    wget: true,
    'java-httpclient': true,
    okhttp: false,
    axios: true,
    'dotnet-httpclient': false
  })
})

t.test('https -> http (downgrade)', async (t) => {
  const v = keeps('https://a.example/', 'http://a.example/')
  t.equal(v['python-requests'], false, 'requests only allows the http->https upgrade')
  t.equal(v['go-net-http'], true, 'Go ignores scheme')
})

t.test('port change on the same host', async (t) => {
  t.same(keeps('https://a.example/', 'https://a.example:8443/'), {
    'browser-fetch': false,
    undici: false,
    curl: false,
    'python-requests': false,
    'go-net-http': true,
    wget: true,
    'java-httpclient': true,
    okhttp: false,
    axios: false,
    'dotnet-httpclient': false
  })
})

t.test('to a subdomain and to another domain', async (t) => {
  t.same(keeps('https://example.com/', 'https://api.example.com/'), {
    'browser-fetch': false,
    undici: false,
    curl: false,
    'python-requests': false,
    'go-net-http': true,
    wget: true,
    'java-httpclient': true,
    okhttp: false,
    axios: true,
    'dotnet-httpclient': false
  })
  const other = keeps('https://example.com/', 'https://example.net/')
  t.same(Object.keys(other).filter((id) => other[id] === true), ['wget', 'java-httpclient'], 'only wget and the JDK client keep it for another domain')
  t.equal(keeps('https://example.com/', 'https://notexample.com/')['go-net-http'], false, 'a suffix is not a subdomain')
})

t.test('a client that re-sends Authorization to another origin is flagged as a leak', async (t) => {
  const a = originOf('http://127.0.0.1:8080/') as Origin
  const b = originOf('http://127.0.0.2:9090/') as Origin
  const leaking = redirectVerdicts(a, b).filter((v) => v.leaks).map((v) => v.client.id)
  t.same(leaking, ['wget', 'java-httpclient'])
  t.same(redirectVerdicts(a, a).filter((v) => v.leaks), [], 'no leak on the same origin')
})

t.test('every client explains its rule', async (t) => {
  for (const client of REDIRECT_CLIENTS) t.ok(client.rule.length > 20 && client.name.length > 0, client.id)
})
