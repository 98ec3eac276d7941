// Known secrets in every credential header; then none of them may appear in logs, report JSON,
// report text, exchanges (with their curl) or error bodies.
import t from 'tap'
import { request } from 'undici'
import { BUILTIN_CREDENTIAL_HEADERS } from '../../src/capture/credential-names.js'
import { closedPort, startEchoUpstream } from '../helpers/echo-upstream.js'
import { rawRequest, startHopwatch, waitForExchanges, type TestHopwatch } from '../helpers/hopwatch.js'

const jwtSig = 'SIGsecretSIGsecretSIGsecret0123456789'
const jwtBody = Buffer.from(JSON.stringify({ iss: 'issuer', sub: 'subject-secret-77', exp: 2000000000 })).toString('base64url')
const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${jwtBody}.${jwtSig}`

/** Each secret, and the header carrying it. Values are unique so a leak is unambiguous. */
function secrets (): Array<[string, string, string[]]> {
  const out: Array<[string, string, string[]]> = []
  for (const name of BUILTIN_CREDENTIAL_HEADERS) {
    const unique = `sv-${name.replace(/[^a-z]/g, '')}-9f8e7d6c`
    if (name === 'cookie') out.push([name, `session=${unique}; csrf=${unique}-2`, [unique]])
    else if (name === 'authorization') out.push([name, `Bearer ${jwt}`, [jwt, jwtSig, jwtBody, 'subject-secret-77']])
    else if (name === 'proxy-authorization') out.push([name, 'Basic ' + Buffer.from(`proxyuser-x1:${unique}`).toString('base64'), [unique, 'proxyuser-x1', Buffer.from(`proxyuser-x1:${unique}`).toString('base64')]])
    else out.push([name, unique, [unique]])
  }
  out.push(['X_Custom_Token', 'sv-custom-underscore-4b3a', ['sv-custom-underscore-4b3a']])
  return out
}

async function everything (hw: TestHopwatch): Promise<string> {
  const parts: string[] = [...hw.logs]
  parts.push(await (await request(`${hw.adminUrl}/report`)).body.text())
  parts.push(await (await request(`${hw.adminUrl}/report?format=text`)).body.text())
  const list = await (await request(`${hw.adminUrl}/report/exchanges?limit=1000`)).body.text()
  parts.push(list)
  for (const ex of hw.store.list({ limit: 1000 })) {
    parts.push(await (await request(`${hw.adminUrl}/report/exchanges/${ex.id}`)).body.text())
  }
  return parts.join('\n')
}


t.test('no credential value reaches logs, reports, exchanges or error bodies', async (t) => {
  const up = await startEchoUpstream((req, res) => {
    const code = req.url?.startsWith('/ok') === true ? 200 : 401
    res.writeHead(code, { 'www-authenticate': 'Bearer realm="r", error="invalid_token"', 'set-cookie': 'sid=sv-setcookie-value-1a2b; Path=/', location: '/next?code=sv-oauth-code-5e6f' })
    res.end()
  })
  const dead = `http://127.0.0.1:${await closedPort()}`
  const hw = await startHopwatch(up.url, ['--credential-header', 'X_Custom_Token', '--log-level', 'trace'])
  const down = await startHopwatch(dead, ['--credential-header', 'X_Custom_Token', '--log-level', 'trace'])
  t.teardown(async () => { await hw.close(); await down.close(); await up.close() })

  const all = secrets()
  const headerLines = all.map(([name, value]) => `${name}: ${value}`)
  const query = '?access_token=sv-query-token-8d7c&api_key=sv-query-key-6b5a'
  const errorBodies: string[] = []
  for (const target of [hw, down]) {
    for (const path of ['/ok', '/denied']) {
      const answer = await rawRequest(target.trafficUrl, `GET ${path}${query} HTTP/1.1\r\nHost: a\r\n${headerLines.join('\r\n')}\r\nAuthorization: Bearer sv-duplicate-line-3c2d\r\nConnection: close, X-Api-Key\r\n\r\n`)
      if (target === down) errorBodies.push(answer)
    }
    // Also through undici, a POST with a body.
    const res = await request(`${target.trafficUrl}/ok${query}`, { method: 'POST', body: 'x', headers: Object.fromEntries(all.map(([n, v]) => [n, v])) })
    const text = await res.body.text()
    if (target === down) errorBodies.push(text)
  }
  await waitForExchanges(hw, 3)
  await waitForExchanges(down, 3)
  t.equal(down.store.list()[0]?.clientStatus, 502, 'the dead upstream gave 502s')

  const haystack = [await everything(hw), await everything(down), errorBodies.join('\n')].join('\n')
  const needles = [...all.flatMap(([, , parts]) => parts), 'sv-duplicate-line-3c2d', 'sv-query-token-8d7c', 'sv-query-key-6b5a', 'sv-setcookie-value-1a2b', 'sv-oauth-code-5e6f']
  t.ok(haystack.length > 2000, 'there is output to search')
  let leaks = 0
  for (const needle of needles) {
    if (haystack.includes(needle)) { leaks++; t.fail(`a secret of ${needles.indexOf(needle)} leaked`) }
  }
  t.equal(leaks, 0, `none of ${needles.length} secret values appears in ${haystack.length} characters of output`)
  // The evidence is still there: names, fingerprints.
  t.match(haystack, /x-amzn-oidc-accesstoken/)
  t.match(haystack, /X_Custom_Token/)
})
