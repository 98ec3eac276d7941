// Debian's Chromium for the browser tests (never a download). Missing in CI (CI=true) is a
// failure that says how to install it; missing on a workstation skips with that same sentence.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env.HOPWATCH_CHROMIUM ?? '/usr/bin/chromium'
export const MISSING = `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set HOPWATCH_CHROMIUM)`
const inCi = process.env.CI === 'true' || process.env.CI === '1'

/** For t.test options: skip (with the reason) only outside CI. */
export const skipUnlessChromium: string | false = existsSync(CHROMIUM) || inCi ? false : MISSING

export async function launchChromium (): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING)
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    timeout: 60_000
  })
}

/** Installed before any page script: records CSP violations and whether injected code ran. */
export const WATCH_SCRIPT = `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI) });
`
