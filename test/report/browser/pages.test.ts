// The HTML pages in headless Chromium: every link resolves, the stylesheet applies under the
// CSP and nothing else does, hostile values stay inert, the pages work with JavaScript off, in
// the dark scheme and in print.
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { renderExchangeHtml, renderReportHtml } from '../../../src/report/html.js'
import { EVIL, hostileExchange, hostileFinding } from '../hostile-exchange.js'
import { leaks, startFixture, type Fixture } from '../traffic-fixture.js'
import { launchChromium, skipUnlessChromium, WATCH_SCRIPT } from './chromium.js'

interface Watched { page: Page; dialogs: string[]; foreign: string[]; consoleErrors: string[] }

async function watched (context: BrowserContext, origin: string): Promise<Watched> {
  const page = await context.newPage()
  const w: Watched = { page, dialogs: [], foreign: [], consoleErrors: [] }
  page.on('dialog', (d) => { w.dialogs.push(d.type()); void d.dismiss() })
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('about:') && !r.url().startsWith('data:')) w.foreign.push(r.url()) })
  page.on('console', (m) => { if (m.type() === 'error') w.consoleErrors.push(m.text()) })
  return w
}

const state = async (page: Page): Promise<{ pwned: unknown, violations: string[] }> =>
  await page.evaluate(() => {
    const g = globalThis as unknown as { __pwned?: unknown, __violations?: string[] }
    return { pwned: g.__pwned ?? null, violations: g.__violations ?? [] }
  })

t.test('in headless Chromium', { skip: skipUnlessChromium }, async (t) => {
  const browser: Browser = await launchChromium()
  t.teardown(async () => { await browser.close() })
  const fixture: Fixture = await startFixture()
  t.teardown(fixture.close)
  const origin = fixture.admin

  t.test('every link on the report, list and exchange pages resolves; styles apply, nothing else runs', async (t) => {
    const context = await browser.newContext()
    t.teardown(async () => { await context.close() })
    await context.addInitScript(WATCH_SCRIPT)
    const w = await watched(context, origin)
    const queue = ['/report.html']
    const seen = new Set(queue)
    let exchangePages = 0
    for (let i = 0; i < queue.length && i < 150; i++) {
      const path = queue[i] as string
      const response = await w.page.goto(origin + path, { waitUntil: 'load', timeout: 30_000 })
      t.equal(response?.status(), 200, `${path} resolves`)
      if (path.startsWith('/report/exchanges/')) exchangePages++
      const s = await state(w.page)
      t.same(s, { pwned: null, violations: [] }, `${path}: no CSP violation, no injected code`)
      t.same(leaks(await w.page.content()), [], `${path}: no secret in the DOM`)
      const bar = await w.page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor)
      t.not(bar, 'rgba(0, 0, 0, 0)', `${path}: the stylesheet applies under the CSP`)
      const hrefs = await w.page.locator('a[href]').evaluateAll((els) => els.map((a) => (a as HTMLAnchorElement).href))
      for (const href of hrefs) {
        const url = new URL(href)
        t.equal(url.origin, origin, `${url.pathname}: same origin`)
        const next = url.pathname + url.search
        if (!seen.has(next)) { seen.add(next); queue.push(next) }
      }
    }
    t.ok(exchangePages >= 6, `${exchangePages} exchange pages visited`)
    t.ok(seen.has('/report/exchanges.html?method=GET&route=%2Fadmin%2Fstats'), 'a route filter link was followed')
    t.same(w.dialogs, [], 'no dialog')
    t.same(w.foreign, [], 'no request leaves the admin origin')
    t.same(w.consoleErrors, [], 'no console error (a blocked style or script would log one)')

    const fragment = await w.page.goto(`${origin}/report.html`)
    t.equal(fragment?.status(), 200)
    t.equal(await w.page.getByRole('img', { name: '401s per route' }).count(), 1, 'the 401 chart is an accessible image')
    t.equal(await w.page.getByRole('img', { name: 'Exchanges per minute by status class' }).count(), 1, 'so is the timeline')
    t.equal(await w.page.getByRole('img', { name: 'Credential headers: arrived vs forwarded' }).count(), 1, 'and the headers chart')
  })

  t.test('hostile values rendered without capture folding them stay inert', async (t) => {
    const context = await browser.newContext()
    t.teardown(async () => { await context.close() })
    await context.addInitScript(WATCH_SCRIPT)
    const w = await watched(context, origin)
    const pages = [
      renderExchangeHtml(hostileExchange, [hostileFinding]),
      renderReportHtml({
        findings: [{ ...hostileFinding, route: EVIL.route, count: 1, firstSeen: 'a', lastSeen: 'b', examples: [hostileExchange.id] }],
        routes: [{ method: 'GET', route: EVIL.route, exchanges: 1, unauthorized: 1, withCredentials: 1 }],
        headers: [{ name: EVIL.header, arrived: 1, forwarded: 0, droppedHere: 1, onUnauthorized: 1 }]
      }, { exchanges: [{ startedAt: hostileExchange.startedAt, clientStatus: 401 }], known: () => true })
    ]
    for (const [i, html] of pages.entries()) {
      await w.page.setContent(html, { waitUntil: 'load' })
      t.same(await state(w.page), { pwned: null, violations: [] }, `page ${i}: no injected code ran, nothing blocked`)
      t.equal(await w.page.locator('script, img, iframe, body style, svg:not(.chart), [onload], [onerror], [onmouseover]').count(), 0, `page ${i}: no injected element`)
      const text = await w.page.locator('main').innerText()
      t.ok(text.includes(EVIL.route) || text.includes(EVIL.path), `page ${i}: the hostile values are shown as text`)
      t.equal(await w.page.locator('header.top').isVisible(), true, `page ${i}: an injected <style> did not hide the page`)
      for (const a of await w.page.locator('a[href]').evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''))) {
        t.ok(a.startsWith('/'), `page ${i}: link ${a.slice(0, 40)} is a same-origin path`)
      }
    }
    t.same(w.dialogs, [], 'no dialog')
    t.same(w.foreign, [], 'no request for an external asset (the iframe and img never loaded)')
  })

  t.test('with JavaScript off: from a finding to its exchange and back', async (t) => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    t.teardown(async () => { await context.close() })
    const page = await context.newPage()
    await page.goto(`${origin}/report.html`)
    const finding = page.locator('article.finding[data-rule="credential-in-query"]')
    t.equal(await finding.count(), 1)
    await finding.locator('a').first().click()
    await page.waitForURL(/\/report\/exchanges\/[^/]+\.html$/)
    t.match(await page.locator('h1').textContent(), /^hopwatch exchange /, 'the example link opens the exchange page')
    t.match(await page.locator('#curl pre').textContent(), /access_token=<access_token>/, 'with its redacted curl')
    await page.locator('#findings a').first().click()
    await page.waitForURL(/\/report\.html#finding-[0-9a-f]{16}$/)
    const anchor = new URL(page.url()).hash.slice(1)
    t.equal(await page.locator(`article#${anchor}`).getAttribute('data-rule'), 'credential-in-query', 'the exchange links back to its finding')
    await page.locator('#routes a', { hasText: '/admin/stats' }).click()
    await page.waitForURL(/exchanges\.html\?method=GET&route=%2Fadmin%2Fstats$/)
    t.equal(await page.locator('#exchanges tbody tr').count(), 1, 'the route opens its exchanges')
  })

  t.test('dark scheme and print', async (t) => {
    const dark = await browser.newContext({ colorScheme: 'dark' })
    const light = await browser.newContext({ colorScheme: 'light' })
    t.teardown(async () => { await dark.close(); await light.close() })
    const background = async (context: BrowserContext): Promise<string> => {
      const page = await context.newPage()
      await page.goto(`${origin}/report.html`)
      return await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor)
    }
    t.equal(await background(light), 'rgb(246, 247, 249)', 'light background')
    t.equal(await background(dark), 'rgb(20, 24, 28)', 'dark background')
    const page = await dark.newPage()
    await page.goto(`${origin}/report.html`)
    await page.emulateMedia({ media: 'print' })
    t.equal(await page.locator('nav').isVisible(), false, 'print hides the navigation')
    t.equal(await page.locator('body').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 255, 255)', 'print is black on white, even in the dark scheme')
    const pdf = await page.pdf({ format: 'A4' })
    t.ok(pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'the report prints')
  })
})
