// The configs Debian's nginx and apache2 packages install lint without a parse error and without
// a warning- or error-level finding (they strip no credentials), also with CGI switched on.
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { atOrAbove, lintPaths } from '../../src/lint/engine.js'

const shown = (findings: ReturnType<typeof lintPaths>['findings']): string[] =>
  findings.filter((f) => atOrAbove(f.severity, 'warning')).map((f) => `${f.file}:${f.line} ${f.severity} ${f.ruleId}`)

for (const dir of ['/etc/nginx', '/etc/apache2']) {
  const present = existsSync(dir)
  t.test(`stock ${dir}`, { skip: present ? false : `${dir} is absent (install the nginx / apache2 package to run this check)` }, async (t) => {
    const result = lintPaths([dir])
    t.same(result.unreadable, [], 'every file readable')
    t.ok(result.files > 3, `read the main config and its includes (${result.files} files)`)
    t.same(result.findings.filter((f) => f.ruleId === 'config-parse-error').map((f) => `${f.file}:${f.line} ${f.message}`), [], 'no parse error')
    t.same(shown(result.findings), [], 'no warning- or error-level finding')
  })
}

t.test('stock /etc/apache2 with mod_cgid enabled: the stock ScriptAlias is info, no warning', { skip: existsSync('/etc/apache2/mods-available/cgid.load') ? false : 'apache2 is not installed' }, async (t) => {
  const copy = mkdtempSync(join(tmpdir(), 'hopwatch-stock-apache-'))
  t.teardown(() => rmSync(copy, { recursive: true, force: true }))
  cpSync('/etc/apache2', copy, { recursive: true, verbatimSymlinks: true })
  for (const name of ['cgid.load', 'cgid.conf']) {
    if (!existsSync(join(copy, 'mods-enabled', name))) symlinkSync(`../mods-available/${name}`, join(copy, 'mods-enabled', name))
  }
  const result = lintPaths([copy])
  t.same(shown(result.findings), [], 'no warning- or error-level finding')
  const cgi = result.findings.filter((f) => f.ruleId === 'apache-cgi-without-passauth')
  t.same(cgi.map((f) => `${f.severity} ${f.messageId}`), ['info stock-cgi'], 'the stock ScriptAlias is seen, at info')
})

t.test('the samples folder lints as a whole, broken twins and all', async (t) => {
  const result = lintPaths([new URL('../../nginx-samples/', import.meta.url).pathname])
  t.same(result.unreadable, [])
  t.ok(result.findings.some((f) => f.file.endsWith('/broken.conf')), 'broken samples report')
  t.notOk(result.findings.some((f) => f.file.endsWith('/fixed.conf') && f.severity === 'error'), 'fixed samples have no error')
})
