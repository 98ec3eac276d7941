// Every lint rule: its id is its file name, it has a docs page, and a table of configs that must
// fire it and configs that must not (ESLint's valid/invalid). A rule without any of these fails.
import { existsSync, readdirSync } from 'node:fs'
import t from 'tap'
import { lintTree } from '../../src/lint/engine.js'
import { loadTree } from '../../src/lint/load.js'
import { LINT_RULES } from '../../src/lint/rules/index.js'
import { credentialHeaderSet } from '../../src/capture/credential-names.js'
import { APACHE_CASES } from './cases/apache.js'
import { MORE_CASES } from './cases/more.js'
import { NGINX_CASES } from './cases/nginx.js'
import type { ValidCase } from './cases/types.js'

const ROOT = new URL('../../', import.meta.url).pathname
const CASES = { ...NGINX_CASES, ...APACHE_CASES, ...MORE_CASES }
const ruleFiles = readdirSync(`${ROOT}src/lint/rules`).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''))

t.test('the registry lists exactly the rule files, id = file name', async (t) => {
  t.same(LINT_RULES.map((r) => r.meta.id).sort(), [...ruleFiles].sort())
})

for (const id of ruleFiles) {
  t.test(`${id}: docs page, meta and tables`, async (t) => {
    const rule = LINT_RULES.find((r) => r.meta.id === id)
    if (!rule) { t.fail(`${id} is not in src/lint/rules/index.ts`); return }
    t.equal(rule.meta.docs, `docs/rules/${id}.md`, 'meta.docs names its page')
    t.ok(existsSync(`${ROOT}${rule.meta.docs}`), `docs/rules/${id}.md exists`)
    t.ok(rule.meta.summary.length > 0 && rule.meta.description.length > 0, 'summary and description')
    t.ok(Object.keys(rule.meta.remediation).length > 0, 'a remediation')
    const cases = CASES[id]
    t.ok(cases && cases.valid.length > 0, 'has configs that must not fire it')
    t.ok(cases && cases.invalid.length > 0, 'has configs that must fire it')
    if (!cases) return
    const run = (c: ValidCase) => {
      const { tree } = loadTree(`/virtual/${id}.conf`, c.code, c.dialect)
      return lintTree(tree, { credentialHeaders: credentialHeaderSet(c.credentialHeaders ?? []) }, [rule])
    }
    for (const c of cases.valid) t.same(run(c).map((f) => f.line), [], `valid: ${c.name ?? c.code.split('\n').find((l) => /\S/.test(l) && !/^\s*(server|http|<VirtualHost|listen)/.test(l))?.trim() ?? c.code}`)
    for (const c of cases.invalid) {
      const got = run(c)
      t.same(got.map((f) => f.line).sort(), c.findings.map((f) => f.line).sort(), `invalid fires at lines ${c.findings.map((f) => f.line).join(', ')}`)
      for (const want of c.findings) {
        const match = got.find((f) => f.line === want.line)
        if (want.severity !== undefined) t.equal(match?.severity, want.severity, `line ${want.line} severity`)
        if (want.header !== undefined) t.equal(match?.header, want.header, `line ${want.line} header`)
        if (want.messageId !== undefined) t.equal(match?.messageId, want.messageId, `line ${want.line} messageId`)
      }
    }
  })
}
