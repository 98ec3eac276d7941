// The configs Debian's nginx and apache2 packages install lint without a parse error and without
// an error-level finding (they strip no credentials).
import { existsSync } from 'node:fs'
import t from 'tap'
import { lintPaths } from '../../src/lint/engine.js'

for (const dir of ['/etc/nginx', '/etc/apache2']) {
  const present = existsSync(dir)
  t.test(`stock ${dir}`, { skip: present ? false : `${dir} is absent (install the nginx / apache2 package to run this check)` }, async (t) => {
    const result = lintPaths([dir])
    t.same(result.unreadable, [], 'every file readable')
    t.ok(result.files > 3, `read the main config and its includes (${result.files} files)`)
    t.same(result.findings.filter((f) => f.ruleId === 'config-parse-error').map((f) => `${f.file}:${f.line} ${f.message}`), [], 'no parse error')
    t.same(result.findings.filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.ruleId}`), [], 'no error-level finding')
  })
}

t.test('the samples folder lints as a whole, broken twins and all', async (t) => {
  const result = lintPaths([new URL('../../nginx-samples/', import.meta.url).pathname])
  t.same(result.unreadable, [])
  t.ok(result.findings.some((f) => f.file.endsWith('/broken.conf')), 'broken samples report')
  t.notOk(result.findings.some((f) => f.file.endsWith('/fixed.conf') && f.severity === 'error'), 'fixed samples have no error')
})
