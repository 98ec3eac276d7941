// The HTML pages of a real hopwatch after real traffic: structure, links between findings,
// exchanges and routes, the CSP, ?refresh, query checks, and no secret value on any page.
import t from 'tap'
import { HOSTILE_FORWARDED_HOST, HOSTILE_VIA, escapeForTest, leaks, linksOf, startFixture, type Fixture } from './traffic-fixture.js'

interface Stored { id: string; path: string; route: string; method: string }
interface Group { rule: string; route: string; examples: string[] }

const get = async (url: string): Promise<{ status: number; type: string; csp: string; text: string }> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return { status: res.status, type: res.headers.get('content-type') ?? '', csp: res.headers.get('content-security-policy') ?? '', text: await res.text() }
}

let fixture: Fixture
t.before(async () => { fixture = await startFixture() })
t.teardown(async () => { await fixture.close() })

const stored = async (): Promise<Stored[]> => ((await (await fetch(`${fixture.admin}/report/exchanges`)).json()) as { exchanges: Stored[] }).exchanges
const groups = async (): Promise<Group[]> => ((await (await fetch(`${fixture.admin}/report`)).json()) as { findings: Group[] }).findings

t.test('the report page: charts, linked findings, routes and headers, under a strict CSP', async (t) => {
  const page = await get(`${fixture.admin}/report.html`)
  t.equal(page.status, 200)
  t.match(page.type, /^text\/html/)
  t.match(page.csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]{44}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/, 'no unsafe-inline: only the page stylesheet, by hash')
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page.text)?.[1]
  t.ok(meta !== undefined && page.csp.startsWith(meta), 'the <meta> policy is the header policy')
  t.notMatch(page.text, /<script|\son[a-z]+=|style="/i, 'no script, no event handler attribute, no inline style attribute')
  t.notMatch(page.text, /http-equiv="refresh"/, 'no reload unless asked for')

  for (const id of ['chart-timeline', 'chart-401', 'chart-headers']) {
    const figure = new RegExp(`<figure class="chart" id="${id}">[\\s\\S]*?</figure>`).exec(page.text)?.[0] ?? ''
    t.match(figure, new RegExp(`<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc"`), `${id}: an accessible svg`)
    t.match(figure, new RegExp(`<title id="${id}-title">[^<]+</title><desc id="${id}-desc">[^<]+</desc>`), `${id}: title and description`)
    t.match(figure, /<details class="data"><summary>The numbers as a table<\/summary><table>/, `${id}: a text fallback table`)
  }
  t.match(page.text, /<desc id="chart-timeline-desc">6 stored exchanges/, 'the timeline counts the stored window')
  t.match(page.text, /<td>GET<\/td><td>\/admin\/stats<\/td><td>1<\/td>/, '401s per route, as a table too')

  const findings = await groups()
  t.ok(findings.length >= 2, 'the traffic produced findings')
  const ids = new Set((await stored()).map((e) => e.id))
  for (const f of findings) {
    for (const id of f.examples) {
      if (ids.has(id)) t.ok(page.text.includes(`<a href="/report/exchanges/${id}.html"><code>${id}</code></a>`), `${f.rule}: example ${id} links to its page`)
    }
  }
  t.match(page.text, /<strong>Fix:<\/strong> Send the credential in a header \(<code>Authorization: Bearer &lt;token&gt;<\/code>, <code>X-Api-Key<\/code>\)/, 'code spans of a fix become <code>, their content escaped')
  t.notMatch(page.text, /`/, 'no raw backtick left on the page')
  t.match(page.text, /<ul class="evidence"><li><code>query parameter &quot;access_token&quot; \(value not recorded\)<\/code><\/li><\/ul>/, 'the evidence is listed in full')
  t.match(page.text, /<a href="\/report\/exchanges.html\?method=GET&amp;route=%2Fadmin%2Fstats">\/admin\/stats<\/a>/, 'a route links to its exchanges')
  t.match(page.text, /<a href="\/report\/exchanges.html\?header=authorization">authorization<\/a>/, 'a header links to its exchanges')
  t.same(leaks(page.text), [], 'no secret value on the page')
})

t.test('an exchange page: what arrived, left and came back, its layers, findings and curl', async (t) => {
  const list = await stored()
  const profile = list.find((e) => e.path === '/api/profile')
  const search = list.find((e) => e.path === '/api/search')
  if (profile === undefined || search === undefined) throw new Error('the fixture traffic is not stored')
  const page = await get(`${fixture.admin}/report/exchanges/${profile.id}.html`)
  t.equal(page.status, 200)
  t.match(page.csp, /^default-src 'none'; style-src 'sha256-/)
  for (const section of ['summary', 'arrived', 'forwarded', 'answer', 'layers', 'findings', 'curl']) t.match(page.text, new RegExp(`<section id="${section}">`), `section ${section}`)
  t.match(page.text, /<tr><td><code>authorization<\/code><\/td><td>1 of 1<\/td><td>Bearer · 31 bytes · #[0-9a-f]{16}<\/td><\/tr>/, 'the fingerprint of what arrived')
  t.match(page.text, /<tr><td><code>varnish<\/code><\/td>/, 'the layer its headers show')
  t.match(page.text, /<pre>curl -X GET &#39;http:\/\/HOPWATCH_HOST\/api\/profile&#39; -H &#39;authorization: Bearer &lt;authorization: 31 bytes, #[0-9a-f]{16}&gt;&#39;<\/pre>/, 'the redacted curl in a <pre>')
  t.same(leaks(page.text), [], 'no secret on the page')
  t.equal((await get(`${fixture.admin}/report/exchanges/${profile.id}?format=html`)).text, page.text, '?format=html is the same page')

  // The findings of an exchange link back to their group on /report.html.
  const withFinding = await get(`${fixture.admin}/report/exchanges/${search.id}.html`)
  const anchor = /<a href="\/report.html#(finding-[0-9a-f]{16})"><strong>credential-in-query<\/strong><\/a>/.exec(withFinding.text)?.[1]
  t.ok(anchor !== undefined, 'the finding links to /report.html')
  const report = await get(`${fixture.admin}/report.html`)
  t.match(report.text, new RegExp(`<article class="finding warning" id="${anchor ?? 'none'}" data-rule="credential-in-query">`), 'the anchor is the group on the report')
  t.match(withFinding.text, /<a href="\/report\/exchanges.html\?method=GET&amp;route=%2Fapi%2Fsearch"><code>\/api\/search<\/code><\/a>/, 'the route links to its exchanges')
  t.match(withFinding.text, /access_token=&lt;access_token&gt;/, 'the query value is a placeholder')

  // Capture already folds what is not words (the path to `:token`, Via to `*.*`, the header name
  // to `(other)`); the page must show what is kept and nothing of the markup that was sent.
  // html-render.test.ts feeds the renderer hostile strings directly, without that folding.
  const hostile = list.find((e) => e.path.startsWith('/x/'))
  t.equal(hostile?.path, '/x/:token/:token', 'the hostile path was folded by the store')
  const evil = await get(`${fixture.admin}/report/exchanges/${hostile?.id ?? 'none'}.html`)
  t.notMatch(evil.text, /<script|<img|\son[a-z]+=|__pwned/i, 'no hostile markup on the page')
  t.notOk(evil.text.includes(escapeForTest(HOSTILE_VIA)) || evil.text.includes(escapeForTest(HOSTILE_FORWARDED_HOST)), 'not even as text')
  t.match(evil.text, /<tr><td><code>via<\/code><\/td><td>1.1 \*\.\*<\/td><\/tr>/, 'the folded Via is shown')

  const missing = await get(`${fixture.admin}/report/exchanges/000000-zz.html`)
  t.equal(missing.status, 404, 'an unknown id is a 404 page')
  t.match(missing.type, /^text\/html/)
})

t.test('the exchange list filters by route, header and status', async (t) => {
  const byRoute = await get(`${fixture.admin}/report/exchanges.html?method=GET&route=${encodeURIComponent('/admin/users/:id')}`)
  t.equal(byRoute.status, 200)
  t.equal(byRoute.text.match(/<tr><td><a href="\/report\/exchanges\//g)?.length, 1, 'one exchange on that route')
  t.match(byRoute.text, /<td><code>\/admin\/users\/:id<\/code><\/td><td>401<\/td>/, 'the stored (folded) path and its status')
  const byHeader = await get(`${fixture.admin}/report/exchanges.html?header=x-api-key`)
  t.equal(byHeader.text.match(/<tr><td><a href=/g)?.length, 2, 'two exchanges carried X-Api-Key')
  const byStatus = await get(`${fixture.admin}/report/exchanges.html?status=401`)
  t.equal(byStatus.text.match(/<tr><td><a href=/g)?.length, 2, 'two 401s')
  const all = await get(`${fixture.admin}/report/exchanges.html?limit=2`)
  t.equal(all.text.match(/<tr><td><a href=/g)?.length, 2, 'limit cuts the list')
  t.match(all.text, /The newest 2 are shown/)
  t.equal((await get(`${fixture.admin}/report/exchanges?format=html&status=401`)).text, byStatus.text, '/report/exchanges?format=html is the same page')
  const none = await get(`${fixture.admin}/report/exchanges.html?route=${encodeURIComponent('/<b>nothing')}`)
  t.match(none.text, /No stored exchange matches/)
  t.match(none.text, /&lt;b&gt;nothing/, 'the filter is shown escaped')
})

t.test('?refresh=N adds a bounded meta refresh; bad values are a 400', async (t) => {
  for (const path of ['/report.html', '/report/exchanges.html', '/report?format=html']) {
    const page = await get(`${fixture.admin}${path}${path.includes('?') ? '&' : '?'}refresh=30`)
    t.equal(page.status, 200, path)
    t.match(page.text, /<meta http-equiv="refresh" content="30">/, `${path}: reloads every 30 s`)
  }
  const id = (await stored())[0]?.id ?? 'none'
  t.match((await get(`${fixture.admin}/report/exchanges/${id}.html?refresh=3600`)).text, /content="3600"/, 'the upper bound is allowed')
  for (const bad of ['4', '3601', '0', '-5', '1e3', 'abc', '10&refresh=20']) {
    const page = await get(`${fixture.admin}/report.html?refresh=${bad}`)
    t.equal(page.status, 400, `refresh=${bad} is refused`)
    t.match(JSON.parse(page.text), { error: 'bad_query' })
  }
  for (const bad of [`route=${encodeURIComponent('/a\u0001b')}`, `method=${encodeURIComponent('G T')}`, `route=${'a'.repeat(2049)}`]) {
    t.equal((await get(`${fixture.admin}/report/exchanges.html?${bad}`)).status, 400, `${bad.slice(0, 20)} is refused`)
  }
})

t.test('every link on every page resolves, and no page holds a secret', async (t) => {
  const seen = new Set<string>()
  const queue = ['/report.html']
  // Bounded: the fixture makes a few dozen pages.
  for (let i = 0; i < queue.length && i < 200; i++) {
    const path = queue[i] as string
    const page = await get(`${fixture.admin}${path}`)
    t.equal(page.status, 200, `${path} resolves`)
    t.same(leaks(page.text), [], `${path}: no secret`)
    for (const href of linksOf(page.text)) {
      t.ok(href.startsWith('/'), `${href}: a same-origin link`)
      const target = href.split('#')[0] as string
      if (!seen.has(target)) { seen.add(target); queue.push(target) }
    }
  }
  t.ok(seen.size >= 10, `${seen.size} distinct pages linked`)
})
