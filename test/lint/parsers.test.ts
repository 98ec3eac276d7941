// The two parsers and the include loader on real-world shapes: quotes, escapes, comments, if,
// map, Lua blocks, templated placeholders, Apache sections and continuations; includes relative
// to the prefix, globs, directories, cycles refused; dialect detection. Never a throw.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { parseApache } from '../../src/lint/apache-parser.js'
import { detectDialect } from '../../src/lint/detect.js'
import { loadTree } from '../../src/lint/load.js'
import { parseNginx } from '../../src/lint/nginx-parser.js'
import { findAll, walk } from '../../src/lint/tree.js'

t.test('nginx: quotes, escapes, comments, if, map, lua, variables, placeholders', async (t) => {
  const text = [
    'http {',
    '  map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
    '  server { # trailing comment',
    '    listen {{LISTEN}};',
    '    location ~ "^/(\\d{3})$" {',
    '      if ($http_authorization = "") { return 401; }',
    "      proxy_set_header X-Quote 'it\\'s \"fine\"';",
    '      proxy_set_header X-Var ${http_x_var}suffix;',
    '      content_by_lua_block { local t = { a = "}" } ngx.say(t.a) }',
    '    }',
    '  }',
    '}'
  ].join('\n')
  const { nodes, problems } = parseNginx(text, 'x.conf')
  t.same(problems, [])
  const root = { name: '', key: '', args: [], children: nodes, parent: null, file: 'x.conf', line: 1, column: 1 }
  t.same(findAll(root, 'listen')[0]?.args, ['{{LISTEN}}'])
  t.same(findAll(root, 'location')[0]?.args, ['~', '^/(\\d{3})$'])
  t.same(findAll(root, 'if')[0]?.args, ['($http_authorization', '=', '', ')'])
  t.same(findAll(root, 'return')[0]?.args, ['401'])
  const headers = findAll(root, 'proxy_set_header')
  t.same(headers[0]?.args, ['X-Quote', 'it\'s "fine"'])
  t.same(headers[1]?.args, ['X-Var', '${http_x_var}suffix'])
  t.equal(findAll(root, 'content_by_lua_block').length, 1)
  t.same(findAll(root, 'map')[0]?.children?.map((c) => c.name), ['default', ''])
  t.equal(headers[0]?.line, 7)
  t.equal(headers[0]?.column, 7)
})

t.test('apache: sections, continuation lines, quotes, comments', async (t) => {
  const text = [
    '# comment',
    '<IfModule mod_proxy.c>',
    '  <VirtualHost *:80>',
    '    RequestHeader set X-Long "a b" \\',
    '        early',
    '    <Location "/api">',
    '      ProxyPass "http://app/" retry=0',
    '    </Location>',
    '  </VirtualHost>',
    '</IfModule>'
  ].join('\n')
  const { nodes, problems } = parseApache(text, 'a.conf')
  t.same(problems, [])
  const root = { name: '', key: '', args: [], children: nodes, parent: null, file: 'a.conf', line: 1, column: 1 }
  t.same(findAll(root, 'requestheader')[0]?.args, ['set', 'X-Long', 'a b', 'early'])
  const pass = findAll(root, 'proxypass')[0]
  t.same(pass?.args, ['http://app/', 'retry=0'])
  t.equal(pass?.parent?.key, 'location')
  t.equal(pass?.parent?.parent?.key, 'virtualhost')
  t.equal(pass?.line, 7)
})

t.test('dialect detection by content', async (t) => {
  t.equal(detectDialect('server {\n  listen 80;\n}\n'), 'nginx')
  t.equal(detectDialect('<VirtualHost *:80>\n  ServerName a\n</VirtualHost>\n'), 'apache')
  t.equal(detectDialect('LoadModule headers_module modules/mod_headers.so\nHeader set X-A b\n'), 'apache')
  t.equal(detectDialect('proxy_set_header Host $host;\n'), 'nginx')
})

t.test('includes: prefix-relative, globs, directories, cycles refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-include-'))
  mkdirSync(join(dir, 'conf.d'))
  mkdirSync(join(dir, 'snippets'))
  writeFileSync(join(dir, 'nginx.conf'), 'http {\n  include conf.d/*.conf;\n}\n')
  writeFileSync(join(dir, 'conf.d', 'a.conf'), 'server {\n  location / {\n    include snippets/auth.conf;\n  }\n}\n')
  writeFileSync(join(dir, 'conf.d', 'b.conf'), 'server { listen 81; }\n')
  // relative to the prefix (the main file's directory), not to conf.d/
  writeFileSync(join(dir, 'snippets', 'auth.conf'), 'proxy_set_header Authorization "";\ninclude snippets/loop.conf;\n')
  writeFileSync(join(dir, 'snippets', 'loop.conf'), 'include snippets/auth.conf;\n')
  const { tree, included } = loadTree(join(dir, 'nginx.conf'))
  const header = findAll(tree.root, 'proxy_set_header')[0]
  t.equal(header?.file, join(dir, 'snippets', 'auth.conf'), 'the spliced directive keeps its own file')
  t.equal(header?.line, 1)
  t.equal(header?.parent?.key, 'location', 'and sits where it was included')
  t.equal(findAll(tree.root, 'server').length, 2, 'the glob matched both files')
  t.equal(included.size, 4)
  t.ok(tree.problems.some((p) => p.kind === 'include-cycle' && p.file === join(dir, 'snippets', 'loop.conf')), 'the cycle is refused where it closes')

  mkdirSync(join(dir, 'apache', 'sites'), { recursive: true })
  writeFileSync(join(dir, 'apache', 'httpd.conf'), 'ServerRoot "' + join(dir, 'apache') + '"\nInclude sites\nIncludeOptional nothing/*.conf\n')
  writeFileSync(join(dir, 'apache', 'sites', 'one.conf'), '<VirtualHost *:80>\n  RequestHeader unset Authorization\n</VirtualHost>\n')
  const apache = loadTree(join(dir, 'apache', 'httpd.conf')).tree
  t.equal(apache.dialect, 'apache')
  t.equal(findAll(apache.root, 'requestheader').length, 1, 'Include of a directory reads its files')
  t.same(apache.problems, [])
})

t.test('never throws, whatever the bytes', async (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
    const a = parseNginx(text, 'f')
    const b = parseApache(text, 'f')
    const root = { name: '', key: '', args: [], children: [...a.nodes, ...b.nodes], parent: null, file: 'f', line: 1, column: 1 }
    let count = 0
    for (const node of walk(root)) { count++; if (node.line < 1 || node.column < 1) return false }
    return count >= 0
  }), { numRuns: 300 })
  t.pass('no throw on 300 random inputs')
})

t.test('syntax errors never repeat a token that may be a credential', async (t) => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig'
  for (const text of [`map $http_authorization $admin {\n  "Bearer ${token}" 1\n}\n`, `server {\n  Bearer${token}\n`]) {
    const { problems } = parseNginx(text, 'm.conf')
    t.ok(problems.length > 0, 'the error is reported')
    t.equal(problems.some((p) => p.message.includes(token)), false, 'without the token')
  }
  const { problems } = parseApache(`<VirtualHost *:80>\n</${token}>\n`, 'a.conf')
  t.equal(problems.length > 0 && problems.every((p) => !p.message.includes(token)), true, 'apache too')
})

t.test('Ingress manifests: annotations, block-scalar snippets linted as nginx at the right line', async (t) => {
  const yaml = [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    '  name: api',
    '  annotations:',
    '    nginx.ingress.kubernetes.io/auth-type: digest',
    '    nginx.ingress.kubernetes.io/configuration-snippet: |',
    '      more_set_headers "X-A: b";',
    '      proxy_set_header Authorization "";',
    'spec:',
    '  ingressClassName: nginx'
  ].join('\n')
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-ingress-'))
  writeFileSync(join(dir, 'api.yaml'), yaml)
  writeFileSync(join(dir, 'values.yaml'), 'replicaCount: 2\n')
  const { tree } = loadTree(join(dir, 'api.yaml'))
  t.equal(tree.dialect, 'ingress-nginx')
  t.same(findAll(tree.root, 'ingress')[0]?.args, ['api'])
  const { lintPaths } = await import('../../src/lint/engine.js')
  const result = lintPaths([dir])
  t.same(result.findings.map((f) => `${f.line} ${f.ruleId}`), ['6 nginx-ingress-auth-strip', '9 nginx-credential-header-cleared'], 'values.yaml is not linted; the snippet line maps back')
})
