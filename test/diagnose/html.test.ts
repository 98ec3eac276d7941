// The HTML report opened in headless Chromium: it shows the findings, layers, headers and
// routes, and nothing injected through a path, route or header name runs.
import t from 'tap'
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'
import { escapeHtml, renderReportHtml } from '../../src/report/html.js'
import type { Report } from '../../src/report/model.js'

const CHROMIUM = '/usr/bin/chromium'
const EVIL_ROUTE = '/orders/<script>window.__pwned=1</script>'
const EVIL_HEADER = 'x-<img src=x onerror="window.__pwned=2">'
const EVIL_EVIDENCE = '"><svg onload="window.__pwned=3">'

const report: Report = {
  generatedAt: '2026-01-01T12:00:00.000Z',
  since: '2026-01-01T11:00:00.000Z',
  totals: { exchanges: 12, withCredentials: 9, evicted: 0, stored: 12, auditFailures: 0, refused: 0 },
  headers: [
    { name: 'authorization', arrived: 9, forwarded: 9, droppedHere: 0, onUnauthorized: 3 },
    { name: EVIL_HEADER, arrived: 1, forwarded: 1, droppedHere: 0, onUnauthorized: 0 }
  ],
  statuses: { 200: 9, 401: 3 },
  routes: [{ method: 'GET', route: EVIL_ROUTE, exchanges: 12, unauthorized: 3, withCredentials: 9 }],
  layers: [{ id: 'nginx', confidence: 'likely', evidence: ['HTTP/1.0 with Connection: close', EVIL_EVIDENCE], exchanges: 12 }],
  findings: [
    {
      rule: 'credential-missing-on-401', severity: 'error', header: 'authorization', layer: 'nginx', confidence: 'likely',
      route: EVIL_ROUTE, count: 3, firstSeen: '2026-01-01T11:10:00.000Z', lastSeen: '2026-01-01T11:50:00.000Z',
      summary: 'The upstream answered 401 and no credential arrived here',
      remediation: 'NGINX: look for proxy_set_header Authorization "";', examples: ['ex-1', 'ex-2'],
      evidence: ['no Authorization header arrived at hopwatch', EVIL_EVIDENCE]
    },
    {
      rule: 'invalid-header-name', severity: 'warning', header: EVIL_HEADER, layer: 'client', confidence: 'certain',
      route: '/x', count: 1, firstSeen: '2026-01-01T11:10:00.000Z', lastSeen: '2026-01-01T11:10:00.000Z',
      summary: 'A credential header name that NGINX and Cloudflare drop by default', remediation: 'Use hyphens.', examples: ['ex-3'], evidence: []
    }
  ]
}

t.test('escaping', async (t) => {
  t.equal(escapeHtml('<a href="x">\'&`</a>'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#96;&lt;/a&gt;')
  const html = renderReportHtml(report)
  t.notOk(html.includes('<script'), 'no script tag in the page, injected or not')
  t.notOk(html.includes('<img'), 'no injected img tag')
  t.notOk(html.includes('<svg onload'), 'no injected svg tag')
  t.equal(html.match(/<svg /g)?.length, html.match(/<svg class="chart" role="img"/g)?.length, 'every svg is one of the charts')
  t.notOk(/(src|href)=["']?https?:/i.test(html), 'no external asset')
  t.match(html, /Content-Security-Policy/, 'a CSP forbids scripts as a second line of defence')
})

t.test('in headless Chromium', { skip: existsSync(CHROMIUM) ? false : 'no /usr/bin/chromium' }, async (t) => {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  const dialogs: string[] = []
  page.on('dialog', (dialog) => { dialogs.push(dialog.type()); void dialog.dismiss() })
  const requests: string[] = []
  page.on('request', (request) => { requests.push(request.url()) })
  await page.setContent(renderReportHtml(report), { waitUntil: 'load' })

  t.equal(await page.title(), 'hopwatch report')
  t.equal(await page.locator('article.finding').count(), 2, 'both findings shown')
  t.equal(await page.locator('article.finding.error strong').first().textContent(), 'credential-missing-on-401', 'worst first')
  const text = await page.locator('body').innerText()
  t.ok(text.includes('NGINX: look for proxy_set_header Authorization'), 'the fix is shown')
  t.ok(text.includes(EVIL_ROUTE), 'the hostile route is shown as text')
  t.ok(text.includes(EVIL_HEADER), 'the hostile header name is shown as text')
  t.ok(text.includes('HTTP/1.0 with Connection: close'), 'layer evidence shown')
  t.equal(await page.locator('#routes td').filter({ hasText: '/orders/' }).count(), 1, 'routes table')
  t.equal(await page.locator('#headers tbody tr').count(), 2, 'headers table')

  t.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned ?? 0), 0, 'no injected code ran')
  t.equal(await page.locator('script, img, svg:not(.chart)').count(), 0, 'no injected element exists in the DOM')
  t.same(dialogs, [], 'no dialog opened')
  t.same(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:')), [], 'no request for an external asset')
})

t.test('an empty report renders', async (t) => {
  const html = renderReportHtml({})
  t.match(html, /No findings\./)
  t.match(html, /No proxy or CDN recognised/)
})
