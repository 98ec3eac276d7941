// The renderers on their own: code spans, hostile strings in every field, and the charts' numbers.
import t from 'tap'
import { codeSpans, escapeHtml, renderExchangeHtml, renderReportHtml } from '../../src/report/html.js'
import { headersChart, timelineChart, unauthorizedChart } from '../../src/report/html/charts.js'
import { EVIL, hostileExchange, hostileFinding } from './hostile-exchange.js'

t.test('code spans: escaped first, then marked up', async (t) => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['use `a` and `b`', 'use <code>a</code> and <code>b</code>'],
    ['`<script>alert(1)</script>`', '<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>'],
    ['<b>`x`</b>', '&lt;b&gt;<code>x</code>&lt;/b&gt;'],
    ['a lone ` tick', 'a lone &#96; tick'],
    ['`a` and `b', '<code>a</code> and &#96;b'],
    ['empty `` span', 'empty &#96;&#96; span'],
    ['`</code><img src=x onerror=alert(1)>`', '<code>&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;</code>'],
    ['`"\'&`', '<code>&quot;&#39;&amp;</code>'],
    ['', '']
  ]
  for (const [input, expected] of cases) t.equal(codeSpans(input), expected, JSON.stringify(input))
  // Whatever the input, the only tags are the <code> pairs made here.
  const hostile = [EVIL.fix, EVIL.evidence, '```', '`<`>`<`', '\u0000`\u2028`', '`a`b`c`d`e`']
  hostile.forEach((input, i) => {
    const out = codeSpans(input)
    t.equal(out.replace(/<\/?code>/g, '').match(/[<>"'`]/), null, `hostile input ${i}: nothing but <code> is markup`)
  })
})

t.test('an exchange page with hostile values in every field stays inert', async (t) => {
  const html = renderExchangeHtml(hostileExchange, [hostileFinding], 60)
  const body = html.slice(html.indexOf('<body>'))
  t.notMatch(body, /<(script|img|svg|iframe|style|b)[\s>]/i, 'no injected element')
  t.notMatch(body, /<[a-z][^>]*\son[a-z]+=/i, 'no event handler attribute in any tag')
  t.notMatch(body, /href="javascript:/i, 'no javascript: link')
  for (const value of Object.values(EVIL)) {
    if (value.includes('`')) continue
    t.ok(body.includes(escapeHtml(value)), `shown as text: ${value.slice(0, 30)}`)
  }
  t.match(body, /<strong>Fix:<\/strong> Add <code>&lt;\/code&gt;&lt;script&gt;window.__pwned=7&lt;\/script&gt;<\/code> then <code>proxy_set_header Authorization \$http_authorization;<\/code> and a lone &#96;tick/)
  t.match(html, /<meta http-equiv="refresh" content="60">/)
  t.match(body, /<a href="\/report\/exchanges.html\?method=GET&amp;route=%2Fr%2F%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D2%22%3E">/, 'the route link is encoded')
  t.match(body, /<a href="\/report.html#finding-[0-9a-f]{16}">/, 'the finding links to its group by a hashed anchor')
})

t.test('the report page: hostile finding fields and example ids', async (t) => {
  const html = renderReportHtml({
    findings: [{ ...hostileFinding, route: EVIL.route, count: 1, firstSeen: 'a', lastSeen: 'b', examples: ['abc123-1', '"><script>x</script>'] }],
    routes: [{ method: 'GET', route: EVIL.route, exchanges: 2, unauthorized: 2, withCredentials: 1 }],
    headers: [{ name: EVIL.header, arrived: 2, forwarded: 0, droppedHere: 2, onUnauthorized: 2 }]
  }, { known: (id) => id === 'abc123-1' })
  const body = html.slice(html.indexOf('<body>'))
  t.notMatch(body, /<(script|img|iframe|style|b)[\s>]/i, 'no injected element')
  t.notMatch(body, /<[a-z][^>]*\son[a-z]+=/i, 'no event handler attribute in any tag')
  t.match(body, /<a href="\/report\/exchanges\/abc123-1.html"><code>abc123-1<\/code><\/a>/, 'a stored example links to its page')
  t.match(body, /<code>&quot;&gt;&lt;script&gt;x&lt;\/script&gt;<\/code> <span class="meta">\(no longer stored\)<\/span>/, 'an evicted one is text')
  t.notMatch(body, /href="\/report\/exchanges.html\?header=x-/, 'a header name that is not a token gets no filter link')
  t.match(body, /<ul class="evidence"><li><code>&#96;&lt;b onmouseover=&quot;window.__pwned=6&quot;&gt;&#96;<\/code><\/li>/, 'evidence in full, escaped, backticks kept literal')
})

t.test('charts: buckets, classes and text fallbacks', async (t) => {
  const at = (min: number, sec = 0): number => Date.UTC(2026, 0, 1, 10, min, sec)
  const timeline = timelineChart([
    { startedAt: at(0, 5), clientStatus: 200 }, { startedAt: at(0, 50), clientStatus: 401 },
    { startedAt: at(2), clientStatus: 502 }, { startedAt: at(2, 30), clientStatus: 200 }, { startedAt: at(2, 31), clientStatus: 101 }
  ])
  t.match(timeline, /<figcaption>Exchanges per minute by status class<\/figcaption>/)
  t.match(timeline, /5 stored exchanges from 2026-01-01 10:00 to 10:03 UTC in 3 bars of one minute; the busiest starts at 10:02 with 3\./)
  t.equal(timeline.match(/<rect /g)?.length, 5, 'one rect per non-empty class per minute')
  t.match(timeline, /<tr><td>2026-01-01 10:00<\/td><td>1<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>0<\/td><\/tr>/)
  t.match(timeline, /<tr><td>2026-01-01 10:02<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>1<\/td><td>1<\/td><\/tr>/, '101 counts as other')
  t.notMatch(timeline, /10:01<\/td>/, 'an empty minute has no table row')

  const day = timelineChart([{ startedAt: at(0), clientStatus: 200 }, { startedAt: at(0) + 6 * 3_600_000, clientStatus: 200 }])
  t.match(day, /Exchanges per 10 minutes by status class/, 'a long window widens the buckets to at most 60 bars')
  t.ok((day.match(/<rect /g)?.length ?? 0) === 2)

  t.match(timelineChart([]), /No exchange stored yet/)
  t.match(unauthorizedChart([{ method: 'GET', route: '/a', unauthorized: 0 }]), /No route answered 401/)
  const u = unauthorizedChart([{ method: 'GET', route: '/a', unauthorized: 2 }, { method: 'POST', route: '/b', unauthorized: 5 }])
  t.match(u, /7 answers of 401 on 2 routes; most on POST \/b \(5\)/)
  const h = headersChart([{ name: 'authorization', arrived: 4, forwarded: 1 }, { name: 'cookie', arrived: 2, forwarded: 2 }])
  t.match(h, /Forwarded less often than they arrived: authorization \(3 not forwarded\)\./)
  t.equal(h.match(/<rect class="(arrived|forwarded)"/g)?.length, 4)
})
