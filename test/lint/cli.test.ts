// `hopwatch lint` as a command: exit codes, usage errors as one sentence on stderr, the three
// formats, and no credential value in any output.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { run } from './run-lint.js'
import { LINT_RULES } from '../../src/lint/rules/index.js'

const SECRET = 'c2VydmljZTpodW50ZXIy-not-a-real-secret'
const dir = mkdtempSync(join(tmpdir(), 'hopwatch-lint-cli-'))
const broken = join(dir, 'broken.conf')
const clean = join(dir, 'clean.conf')
const warnOnly = join(dir, 'warn.conf')
writeFileSync(broken, `server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n    proxy_set_header Authorization "Basic ${SECRET}";\n  }\n}\n`)
writeFileSync(clean, 'server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}\n')
writeFileSync(warnOnly, 'server {\n  listen 80;\n  location / {\n    proxy_pass http://app;\n    proxy_buffer_size 1k;\n  }\n}\n')

t.test('exit codes', async (t) => {
  t.equal((await run(clean)).code, 0, 'clean config: 0')
  t.equal((await run(broken)).code, 1, 'error finding: 1')
  t.equal((await run(warnOnly)).code, 1, 'warning at the default --severity warning: 1')
  t.equal((await run(warnOnly, '--severity', 'error')).code, 0, 'warning below --severity error: 0')
  t.equal((await run('--help')).code, 0)
})

t.test('usage errors: exit 2 and one plain sentence on stderr', async (t) => {
  for (const argv of [['--bogus', clean], ['--format', 'xml', clean], ['--severity', 'fatal', clean], [], [join(dir, 'missing.conf')], ['--credential-header', 'X-Key: value', clean]]) {
    const r = await run(...argv)
    t.equal(r.code, 2, `${argv.join(' ') || '(no args)'}: 2`)
    t.equal(r.out, '', 'nothing on stdout')
    t.match(r.err, /^hopwatch lint: [^\n]+\.\n$/, 'one sentence')
  }
  t.match((await run(join(dir, 'missing.conf'))).err, /cannot read .*missing\.conf; check the path exists/)
})

t.test('text: file:line:col severity rule message, then the fix', async (t) => {
  const { out } = await run(broken)
  t.match(out, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:5 error nginx-credential-header-replaced .*a fixed value \\(\\d+ characters\\)\n  fix: `, 'm'))
})

t.test('json', async (t) => {
  const parsed: unknown = JSON.parse((await run(broken, '--format', 'json')).out)
  t.match(parsed, { tool: 'hopwatch lint', summary: { error: 1 }, findings: [{ ruleId: 'nginx-credential-header-replaced', line: 5, column: 5, header: 'Authorization' }] })
})

t.test('sarif 2.1.0 with rules, help and helpUri', async (t) => {
  const sarif: unknown = JSON.parse((await run(broken, '--format', 'sarif')).out)
  t.match(sarif, { version: '2.1.0', $schema: /sarif-2\.1\.0/, runs: [{ tool: { driver: { name: 'hopwatch' } } }] })
  const run0 = (sarif as { runs: Array<{ tool: { driver: { rules: Array<Record<string, unknown>> } }, results: Array<Record<string, unknown>> }> }).runs[0]
  const rules = run0?.tool.driver.rules ?? []
  t.equal(rules.length, LINT_RULES.length, 'every rule is described')
  for (const rule of rules) {
    t.match(rule, { id: String, shortDescription: { text: String }, help: { text: String, markdown: String }, helpUri: /^https:\/\/.+docs\/rules\/.+\.md$/, defaultConfiguration: { level: /^(error|warning|note)$/ } })
  }
  t.match(run0?.results, [{ ruleId: 'nginx-credential-header-replaced', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: String }, region: { startLine: 5, startColumn: 5 } } }] }])
  const ruleIndex = run0?.results[0]?.ruleIndex
  t.equal(typeof ruleIndex === 'number' && rules[ruleIndex]?.id === 'nginx-credential-header-replaced', true, 'ruleIndex points at the rule')
})

t.test('no credential value in any format', async (t) => {
  for (const format of ['text', 'json', 'sarif']) {
    const { out, err } = await run(broken, '--format', format, '--severity', 'info')
    t.equal(out.includes(SECRET) || err.includes(SECRET), false, `${format}: the configured value is not repeated`)
  }
})

t.test('--credential-header adds names', async (t) => {
  const file = join(dir, 'custom.conf')
  writeFileSync(file, 'server {\n  location / {\n    proxy_set_header X-Tenant-Key "";\n  }\n}\n')
  t.equal((await run(file)).code, 0, 'not a credential header by default')
  t.equal((await run(file, '--credential-header', 'X-Tenant-Key')).code, 1, 'a credential header when named')
})
