// `npm run screenshots`: the README's pictures of the HTML report. Starts the built-in demo
// (app <- hopwatch <- a layer that strips Authorization on /admin, see src/cli/demo.ts), sends
// its traffic, and has Debian's Chromium photograph /report.html (light and dark) and the page of
// an /admin exchange into docs/img/. Loopback only; the demo token is random and never shown.
import { mkdirSync, statSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { send, startDemoChain } from '../../src/cli/demo.js'

const OUT = 'docs/img'
const CHROMIUM = process.env.HOPWATCH_CHROMIUM ?? '/usr/bin/chromium'
const MAX_BYTES = 300 * 1024

async function main (): Promise<void> {
  const { token, app, hopwatch, layer, layerPort } = await startDemoChain()
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] })
  try {
    const bearer = { authorization: `Bearer ${token}` }
    const calls: Array<[string, Record<string, string>]> = [
      ['/api/profile', bearer], ['/api/orders/1042', bearer], ['/api/orders/1043', bearer], ['/admin/stats', bearer],
      ['/admin/users/77', bearer], ['/admin/users/78', bearer], ['/api/profile', {}], ['/api/search?api_key=demo', { cookie: 'session=demo' }]
    ]
    for (const [path, headers] of calls) await send(layerPort, path, headers)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const admin = hopwatch.store.list({ limit: 50 }).find((ex) => ex.path.startsWith('/admin/users'))
    if (admin === undefined) throw new Error('the demo traffic was not recorded')
    mkdirSync(OUT, { recursive: true })
    const shots: Array<[string, string, 'light' | 'dark', number]> = [
      ['report.png', '/report.html', 'light', 1300],
      ['report-dark.png', '/report.html', 'dark', 1300],
      ['exchange.png', `/report/exchanges/${admin.id}.html`, 'light', 2000]
    ]
    for (const [file, path, colorScheme, maxHeight] of shots) {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme, deviceScaleFactor: 1 })
      const page = await context.newPage()
      const response = await page.goto(hopwatch.adminUrl + path)
      if (response?.status() !== 200) throw new Error(`${path} answered ${response?.status() ?? 'nothing'}`)
      // The ids and times change per run; the picture is of the layout, so the top of the page is enough.
      const height = Math.min(maxHeight, await page.evaluate(() => document.documentElement.scrollHeight))
      await page.screenshot({ path: `${OUT}/${file}`, clip: { x: 0, y: 0, width: 1100, height }, fullPage: true })
      await context.close()
      const size = statSync(`${OUT}/${file}`).size
      process.stdout.write(`${OUT}/${file}: ${Math.round(size / 1024)} KB\n`)
      if (size > MAX_BYTES) throw new Error(`${OUT}/${file} is over ${MAX_BYTES / 1024} KB`)
    }
  } finally {
    await browser.close()
    layer.close()
    await hopwatch.close()
    app.close()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})
