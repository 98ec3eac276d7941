// `hopwatch lint --root`: absolute include paths read from a checked-out tree; includes that live
// elsewhere reported once per target at info, with a summary line, and the exit code untouched.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { run } from './run-lint.js'

const dir = mkdtempSync(join(tmpdir(), 'hopwatch-lint-root-'))
const repo = join(dir, 'repo')
const checkout = join(dir, 'checkout')
mkdirSync(join(repo, 'sites'), { recursive: true })
mkdirSync(join(checkout, 'etc', 'nginx', 'snippets'), { recursive: true })
// Two sites include the same shared proxy.conf, deployed at /etc/nginx/snippets on the server.
const MISSING = '/etc/nginx/snippets/hopwatch-proxy-test.conf'
for (const name of ['a', 'b']) {
  writeFileSync(join(repo, 'sites', `${name}.conf`), `server {\n  listen 80;\n  server_name ${name}.example;\n  location / {\n    include ${MISSING};\n    proxy_pass http://app_${name};\n  }\n}\n`)
}
writeFileSync(join(checkout, 'etc', 'nginx', 'snippets', 'hopwatch-proxy-test.conf'), 'proxy_set_header Host $host;\nproxy_set_header Authorization "";\n')

interface Json { findings: Array<{ ruleId: string, messageId: string, severity: string, file: string }>, missingIncludes?: { includes: number, targets: number } }

t.test('without --root: one info per missing target, a summary, exit 0', async (t) => {
  const r = await run(join(repo, 'sites'), '--severity', 'info', '--format', 'json')
  const json = JSON.parse(r.out) as Json
  const missing = json.findings.filter((f) => f.ruleId === 'config-include-missing')
  t.same(missing.map((f) => `${f.severity} ${f.messageId}`), ['info elsewhere'], 'reported once, at info')
  t.same(json.missingIncludes, { includes: 2, targets: 1 })
  t.equal((await run(join(repo, 'sites'))).code, 0, 'nothing at the default --severity warning')
  const text = await run(join(repo, 'sites'), '--severity', 'info')
  t.match(text.out, /2 includes not found \(1 distinct target, each reported once\).*--root DIR/)
})

t.test('--root DIR reads the include from the checkout: the strip is found', async (t) => {
  const r = await run(join(repo, 'sites'), '--root', checkout, '--format', 'json')
  t.equal(r.code, 1)
  const json = JSON.parse(r.out) as Json
  t.same(json.findings.map((f) => f.ruleId), ['nginx-credential-header-cleared'], 'the shared line, reported once, in the checkout')
  t.ok(json.findings.every((f) => f.file.startsWith(checkout)))
  t.equal(json.missingIncludes, undefined, 'no include missing')
})

t.test('--prefix FROM=DIR maps only that prefix', async (t) => {
  const r = await run(join(repo, 'sites'), '--prefix', `/etc/nginx=${join(checkout, 'etc', 'nginx')}`, '--format', 'json')
  t.equal(r.code, 1)
  t.same((JSON.parse(r.out) as Json).findings.map((f) => f.ruleId), ['nginx-credential-header-cleared'])
})

t.test('a mapped include still missing is a warning', async (t) => {
  const empty = join(dir, 'empty')
  mkdirSync(empty)
  const r = await run(join(repo, 'sites'), '--root', empty, '--format', 'json')
  t.same((JSON.parse(r.out) as Json).findings.map((f) => `${f.severity} ${f.messageId}`), ['warning missing'])
})

t.test('--root usage errors', async (t) => {
  for (const argv of [['--root', join(dir, 'nope')], ['--root', `etc=${checkout}`]]) {
    const r = await run(join(repo, 'sites'), ...argv)
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, /^hopwatch lint: --root [^\n]+\.\n$/)
  }
})
