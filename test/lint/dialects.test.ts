// The HAProxy, Caddyfile and VCL parsers build the shared ConfNode tree, turn broken input into
// problems (never a throw), and the dialect is detected from the file name or the content.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parseCaddy, CADDY_GLOBAL_OPTIONS } from '../../src/lint/caddy-parser.js'
import { detectDialect } from '../../src/lint/detect.js'
import { atOrAbove, lintPaths } from '../../src/lint/engine.js'
import { runCli } from '../helpers/cli.js'
import { parseHaproxy } from '../../src/lint/haproxy-parser.js'
import { parseVcl } from '../../src/lint/vcl-parser.js'
import type { ConfNode } from '../../src/lint/types.js'

const brief = (nodes: ConfNode[]): unknown[] => nodes.map((n) => [n.line, n.name, n.args, ...(n.children ? [brief(n.children)] : [])])

t.test('haproxy: sections hold the lines that follow; quoting and escapes; comments', async (t) => {
  const text = 'global\n  tune.bufsize 8192 # small\ndefaults\n  mode http\nfrontend fe\n  bind 127.0.0.1:80\n  http-request set-header Authorization "Bearer \\"x\\" y" if { path /a }\n  http-request set-header X-Api-Key \'\'\n  http-request del-header Authori\\ zation\n'
  const { nodes, problems } = parseHaproxy(text, 'h.cfg')
  t.same(problems, [])
  t.same(brief(nodes), [
    [1, 'global', [], [[2, 'tune.bufsize', ['8192']]]],
    [3, 'defaults', [], [[4, 'mode', ['http']]]],
    [5, 'frontend', ['fe'], [
      [6, 'bind', ['127.0.0.1:80']],
      [7, 'http-request', ['set-header', 'Authorization', 'Bearer "x" y', 'if', '{', 'path', '/a', '}']],
      [8, 'http-request', ['set-header', 'X-Api-Key', '']],
      [9, 'http-request', ['del-header', 'Authori zation']]
    ]]
  ])
  t.equal(nodes[2]?.children?.[1]?.parent, nodes[2], 'a line points at its section')
  const open = parseHaproxy('backend b\n  server app "127.0.0.1\n', 'h.cfg')
  t.same(open.problems.map((p) => [p.kind, p.line]), [['syntax', 2]], 'an unterminated quote is a problem')
})

t.test('caddy: global options, snippets, site blocks, nested blocks, quoting', async (t) => {
  const text = '{\n  admin off\n}\n(common) {\n  header_up -X-Debug\n}\nexample.com, localhost:8080 {\n  reverse_proxy 127.0.0.1:9 {\n    header_up -Authorization # gone\n    header_up X-Name "a b"\n  }\n  respond `}` 200\n}\n'
  const { nodes, problems } = parseCaddy(text, 'Caddyfile')
  t.same(problems, [])
  t.same(brief(nodes), [
    [1, CADDY_GLOBAL_OPTIONS, [], [[2, 'admin', ['off']]]],
    [4, '(common)', [], [[5, 'header_up', ['-X-Debug']]]],
    [7, 'example.com,', ['localhost:8080'], [
      [8, 'reverse_proxy', ['127.0.0.1:9'], [[9, 'header_up', ['-Authorization']], [10, 'header_up', ['X-Name', 'a b']]]],
      [12, 'respond', ['}', '200']]
    ]]
  ])
  t.same(parseCaddy(':80 {\n  respond "x\n', 'Caddyfile').problems.map((p) => p.kind), ['syntax', 'syntax'], 'open string and open block')
  t.same(parseCaddy('}\n', 'Caddyfile').problems.map((p) => p.message), ['unexpected "}"'])
})

t.test('vcl: statements, blocks, if/elsif/else, strings and comments', async (t) => {
  const text = 'vcl 4.1;\n# c\nbackend app { .host = "127.0.0.1"; }\nsub vcl_recv {\n  /* unset req.http.Authorization; */ if (req.http.Authorization && req.url ~ "^/a") {\n    unset req.http.Authorization; // x\n  } elsif (!req.http.X) { set req.http.X-Y = ""; } else { set req.http.Z={"a;b"}; }\n}\n'
  const { nodes, problems } = parseVcl(text, 'default.vcl')
  t.same(problems, [])
  t.same(brief(nodes), [
    [1, 'vcl', ['4.1']],
    [3, 'backend', ['app'], [[3, '.host', ['=', '127.0.0.1']]]],
    [4, 'sub', ['vcl_recv'], [
      [5, 'if', ['(', 'req.http.Authorization', '&&', 'req.url', '~', '^/a', ')'], [[6, 'unset', ['req.http.Authorization']]]],
      [7, 'elsif', ['(', '!', 'req.http.X', ')'], [[7, 'set', ['req.http.X-Y', '=', '']]]],
      [7, 'else', [], [[7, 'set', ['req.http.Z', '=', 'a;b']]]]
    ]]
  ])
  t.same(parseVcl('sub x { unset a', 'v.vcl').problems.map((p) => p.message), ['unexpected end of file, expecting ";"', 'unexpected end of file, expecting "}"'])
  t.same(parseVcl('sub x { set a = "b; }', 'v.vcl').problems[0]?.message, 'unterminated quoted string')
  t.same(parseVcl('/* never closed', 'v.vcl').problems[0]?.message, 'unterminated /* comment')
})

t.test('parsers never throw and stay bounded on hostile input', async (t) => {
  const junk = ['{'.repeat(50_000), '}'.repeat(50_000), '"'.repeat(10_001), '{"'.repeat(10_000), '\\'.repeat(10_000), '/*'.repeat(10_000), "'\n".repeat(10_000)]
  for (const text of junk) {
    for (const parse of [parseHaproxy, parseCaddy, parseVcl]) t.doesNotThrow(() => parse(text, 'x'))
  }
})

t.test('dialect detection: file names first, then content', async (t) => {
  t.equal(detectDialect('anything', '/etc/caddy/Caddyfile'), 'caddy')
  t.equal(detectDialect('anything', 'site.caddy'), 'caddy')
  t.equal(detectDialect('anything', 'x/default.vcl'), 'vcl')
  t.equal(detectDialect('anything', '/etc/haproxy/haproxy.cfg'), 'haproxy')
  t.equal(detectDialect('# comment\n/* c */\nvcl 4.1;\nsub vcl_recv { }\n', 'x.conf'), 'vcl')
  t.equal(detectDialect('global\n  maxconn 10\ndefaults\n  mode http\nfrontend fe\n  bind :80\n  default_backend b\nbackend b\n  server s 127.0.0.1:1\n', 'lb.cfg'), 'haproxy')
  t.equal(detectDialect('example.com {\n  reverse_proxy 127.0.0.1:3000\n}\n', 'sites/app'), 'caddy')
  t.equal(detectDialect(':8080 {\n  reverse_proxy 127.0.0.1:3000 {\n    header_up -Authorization\n  }\n}\n', 'x'), 'caddy')
  t.equal(detectDialect('server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}\n', 'x.conf'), 'nginx', 'nginx stays nginx')
  t.equal(detectDialect('upstream backend {\n  server 127.0.0.1:1;\n}\nserver {\n  listen 80;\n}\n', 'x.conf'), 'nginx', 'an nginx upstream block is not an HAProxy backend')
  t.equal(detectDialect('<VirtualHost *:80>\n  ProxyPass / http://app/\n</VirtualHost>\n', 'x.conf'), 'apache', 'apache stays apache')
})

// The configs Debian's haproxy, caddy and varnish packages install: detected by content alone
// (under a neutral name) and linted without a parse error or a warning.
for (const [file, dialect] of [['/etc/haproxy/haproxy.cfg', 'haproxy'], ['/etc/caddy/Caddyfile', 'caddy'], ['/etc/varnish/default.vcl', 'vcl']] as const) {
  t.test(`stock ${file}`, { skip: existsSync(file) ? false : `${file} is absent (install the Debian package to run this check)` }, async (t) => {
    t.equal(detectDialect(readFileSync(file, 'utf8'), 'config.conf'), dialect, `detected as ${dialect} from its content`)
    const result = lintPaths([file])
    t.same(result.unreadable, [])
    t.same(result.findings.filter((f) => f.ruleId === 'config-parse-error' || atOrAbove(f.severity, 'warning')).map((f) => `${f.line} ${f.ruleId}`), [], 'no parse error, no warning')
  })
}

t.test('caddy import and vcl include are followed; an imported snippet is no missing file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-dialects-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'sites'))
  writeFileSync(join(dir, 'Caddyfile'), '(common) {\n  encode gzip\n}\nimport sites/*.caddy\n')
  writeFileSync(join(dir, 'sites', 'app.caddy'), ':8080 {\n  import common\n  reverse_proxy 127.0.0.1:3000 {\n    header_up -Authorization\n  }\n}\n')
  const caddy = lintPaths([join(dir, 'Caddyfile')])
  t.same(caddy.findings.map((f) => `${f.file.slice(dir.length)}:${f.line} ${f.ruleId}`), ['/sites/app.caddy:4 caddy-credential-header-removed'])
  writeFileSync(join(dir, 'main.vcl'), 'vcl 4.1;\ninclude "strip.vcl";\ninclude "absent.vcl";\n')
  writeFileSync(join(dir, 'strip.vcl'), 'sub vcl_recv {\n  unset req.http.Authorization;\n}\n')
  const vcl = lintPaths([join(dir, 'main.vcl')])
  t.same(vcl.findings.map((f) => `${f.file.slice(dir.length)}:${f.line} ${f.ruleId}`).sort(), ['/main.vcl:3 config-include-missing', '/strip.vcl:2 vcl-credential-header-unset'])
})

t.test('hopwatch lint (the built CLI) on a folder of HAProxy, Caddy and VCL configs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-dialects-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'haproxy.cfg'), 'global\n  tune.bufsize 8192\ndefaults\n  mode http\nfrontend fe\n  bind :80\n  http-request del-header Authorization\n')
  writeFileSync(join(dir, 'Caddyfile'), ':80 {\n  request_header -Authorization\n}\n')
  writeFileSync(join(dir, 'default.vcl'), 'vcl 4.1;\nsub vcl_recv {\n  unset req.http.Authorization;\n}\n')
  const res = await runCli(['lint', dir, '--format', 'json'])
  t.equal(res.code, 1, 'findings: exit 1')
  const parsed: unknown = JSON.parse(res.stdout)
  const findings = (parsed as { findings?: Array<{ ruleId: string, dialect: string }> }).findings ?? []
  t.same(findings.map((f) => `${f.dialect} ${f.ruleId}`).sort(), ['caddy caddy-credential-header-removed', 'haproxy haproxy-bufsize-too-small', 'haproxy haproxy-credential-header-removed', 'vcl vcl-credential-header-unset'])
  const help = await runCli(['lint', '--help'])
  t.match(help.stdout, /HAProxy.*Caddyfiles.*Varnish VCL/s, '--help names the new dialects')
})
