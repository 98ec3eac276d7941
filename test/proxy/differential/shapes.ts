// The request shapes of the differential suite, each sent once direct and once through hopwatch
// by a real client. `refused` marks the shapes the README says hopwatch answers itself.
import { request as undiciRequest } from 'undici'
import { curl, node, python, raw, type ClientResult, type RawOptions } from './clients.js'

export interface Shape {
  name: string
  send: (base: string) => Promise<ClientResult>
  /** hopwatch answers it itself with this status (README table); the upstream sees nothing. */
  refused?: number
}

export interface Files {
  dir: string
  /** 2 MiB of random bytes: curl sends `Expect: 100-continue` for it. */
  big: string
  /** 10 KiB of random bytes. */
  small: string
}

const authority = (base: string): string => new URL(base).host

/** A raw HTTP/1.1 request: request line, Host, the given lines, Connection: close, then the body. */
function rawShape (name: string, method: string, target: string, lines: string[], body = '', options: RawOptions & { refused?: number, keepOpen?: boolean } = {}): Shape {
  const shape: Shape = {
    name: `raw: ${name}`,
    send: (base) => {
      const close = options.keepOpen === true ? [] : ['Connection: close']
      const head = [`${method} ${target} HTTP/1.1`, `Host: ${authority(base)}`, ...lines, ...close].join('\r\n') + '\r\n\r\n'
      return raw(base, Buffer.from(head + body, 'latin1'), options)
    }
  }
  if (options.refused !== undefined) shape.refused = options.refused
  return shape
}

/** Raw bytes as given (request line and all), with `{host}` replaced. */
function rawBytes (name: string, text: string, options: RawOptions = {}): Shape {
  return { name: `raw: ${name}`, send: (base) => raw(base, Buffer.from(text.replaceAll('{host}', authority(base)), 'latin1'), options) }
}

function curlShape (name: string, path: string, args: (files: Files) => string[], files: Files, refused?: number): Shape {
  const shape: Shape = { name: `curl ${name}`, send: (base) => curl(files.dir, base, path, args(files)) }
  if (refused !== undefined) shape.refused = refused
  return shape
}

async function bodyOf (res: Response): Promise<{ status: number; body: Buffer }> {
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) }
}

function fetchShape (name: string, path: string, init: () => RequestInit): Shape {
  return { name: `fetch ${name}`, send: (base) => node(base, async (b) => bodyOf(await fetch(b + path, init()))) }
}

function undiciShape (name: string, path: string, options: Parameters<typeof undiciRequest>[1]): Shape {
  return {
    name: `undici ${name}`,
    send: (base) => node(base, async (b) => {
      const res = await undiciRequest(b + path, options)
      return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) }
    })
  }
}

/** A body of five parts with no length: fetch sends it chunked. */
function streamBody (): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream({
    pull (controller) {
      if (i >= 5) controller.close()
      else controller.enqueue(new TextEncoder().encode(`part ${i++};`))
    }
  })
}

export function shapes (files: Files): Shape[] {
  const many = Array.from({ length: 1200 }, (_, i) => `X-Line-${i}: v${i}`)
  const dups = Array.from({ length: 100 }, (_, i) => `X-Dup: ${i}`)
  const chunked = '5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'
  return [
    // curl: uploads, redirects, header options
    curlShape('GET', '/plain?a=1&a=2&b=%2F&c', () => [], files),
    curlShape('-I (HEAD)', '/head', () => ['-I'], files),
    curlShape('-d form', '/form', () => ['-d', 'a=1&b=two'], files),
    curlShape('--data-binary @2MiB (Expect: 100-continue)', '/upload', (f) => ['--data-binary', `@${f.big}`], files),
    curlShape('-T 2MiB (PUT, Expect: 100-continue)', '/put', (f) => ['-T', f.big], files),
    curlShape('-T 10KiB', '/put-small', (f) => ['-T', f.small], files),
    curlShape('-T 2MiB with Expect suppressed', '/put-noexpect', (f) => ['-T', f.big, '-H', 'Expect:'], files),
    curlShape('-F multipart', '/multipart', (f) => ['-F', 'field=value', '-F', `file=@${f.small}`], files),
    curlShape('chunked --data-binary @2MiB', '/chunked', (f) => ['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${f.big}`], files),
    curlShape('-L through 302', '/redirect/302?to=/final', () => ['-L'], files),
    curlShape('-L POST through 307 (body sent again)', '/redirect/307?to=/final307', (f) => ['-L', '--data-binary', `@${f.small}`], files),
    curlShape('-L POST through 301 (becomes GET)', '/redirect/301?to=/final301', () => ['-L', '-d', 'x=1'], files),
    curlShape('-L POST through 308', '/redirect/308?to=/final308', () => ['-L', '-d', 'x=1'], files),
    curlShape('Keep-Alive without Connection', '/ka', () => ['-H', 'Keep-Alive: timeout=5, max=100'], files),
    curlShape('Upgrade: websocket without Connection: upgrade', '/ws-not', () => ['-H', 'Upgrade: websocket'], files),
    curlShape('--http2 (h2c upgrade offer)', '/h2c', () => ['--http2'], files),
    curlShape('--http2 POST (h2c offer with a body)', '/h2c-post', () => ['--http2', '-d', 'a=1'], files),
    curlShape('credentials and custom headers', '/auth', () => ['-H', 'Authorization: Bearer abc.def.ghi', '-H', 'X-Api-Key: k1', '-H', 'X-Custom: 1'], files),
    curlShape('-u basic', '/basic', () => ['-u', 'user:pass'], files),
    curlShape('-b cookies', '/cookies', () => ['-b', 'a=1; b=2'], files),
    curlShape('--compressed', '/gzip', () => ['--compressed'], files),
    curlShape('-X DELETE', '/thing/1', () => ['-X', 'DELETE'], files),
    curlShape('-X OPTIONS', '/opts', () => ['-X', 'OPTIONS'], files),
    curlShape('-X PATCH json', '/patch', () => ['-X', 'PATCH', '-H', 'Content-Type: application/json', '-d', '{"a":1}'], files),
    curlShape('--http1.0', '/old', () => ['--http1.0'], files),
    curlShape('-r range', '/range', () => ['-r', '0-10'], files),
    curlShape('TE: trailers', '/te', () => ['-H', 'TE: trailers'], files),
    curlShape('Connection: close, X-Hop (nominated)', '/nominated', () => ['-H', 'Connection: close, X-Hop', '-H', 'X-Hop: 1', '-H', 'X-Stay: 2'], files),
    curlShape('Expect: something-else (417)', '/expect-other', () => ['-H', 'Expect: something-else', '-d', 'a'], files),
    curlShape('--path-as-is /a/./b//c', '/a/./b//c', () => ['--path-as-is'], files),
    curlShape('--path-as-is /public\\..\\admin/secret', '/public\\..\\admin/secret', () => ['--path-as-is'], files, 400),
    curlShape('--path-as-is /a/../b', '/a/../b', () => ['--path-as-is'], files, 400),
    curlShape('--data-urlencode', '/urlenc', () => ['--data-urlencode', 'q=a b&c'], files),
    // Node fetch and undici
    fetchShape('GET', '/fetch', () => ({})),
    fetchShape('POST json', '/fetch-json', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })),
    fetchShape('POST FormData', '/fetch-form', () => { const f = new FormData(); f.append('a', '1'); f.append('file', new Blob(['x'.repeat(5000)]), 'x.txt'); return { method: 'POST', body: f } }),
    fetchShape('POST stream (chunked)', '/fetch-stream', () => ({ method: 'POST', body: streamBody(), duplex: 'half' } as RequestInit)),
    fetchShape('HEAD', '/fetch-head', () => ({ method: 'HEAD' })),
    fetchShape('redirect followed', '/redirect/302?to=/fetch-final', () => ({})),
    fetchShape('repeated header (joined by fetch)', '/fetch-dup', () => { const h = new Headers(); h.append('X-A', '1'); h.append('X-A', '2'); return { headers: h } }),
    undiciShape('duplicate lines as a flat array', '/undici-dup', { headers: ['X-A', '1', 'Authorization', 'Bearer one', 'X-A', '2', 'authorization', 'Bearer two'] }),
    undiciShape('odd casing', '/undici-case', { headers: ['x-LoWeR-UPPER', 'v', 'AUTHORIZATION', 'Basic dTpw'] }),
    undiciShape('DELETE with a body', '/undici-del', { method: 'DELETE', body: 'gone' }),
    undiciShape('PUT 1 MiB buffer', '/undici-put', { method: 'PUT', body: Buffer.alloc(1024 * 1024, 7) }),
    // python3-requests
    { name: 'python requests GET with auth', send: (base) => python(base, "r = requests.get(base + '/py', headers={'Authorization': 'Bearer p'})") },
    { name: 'python requests POST json', send: (base) => python(base, "r = requests.post(base + '/py-json', json={'a': [1, 2]})") },
    { name: 'python requests multipart', send: (base) => python(base, "r = requests.post(base + '/py-files', files={'f': ('a.txt', b'x' * 3000)}, data={'k': 'v'})") },
    // raw sockets: what clients won't send
    rawShape('duplicate Authorization lines', 'GET', '/dup-auth', ['Authorization: Bearer one', 'X-Between: 1', 'Authorization: Bearer two']),
    rawShape('odd casing of names', 'GET', '/case', ['aUtHoRiZaTiOn: Bearer x', 'x-UPPER-lower: 1', 'COOKIE: a=1']),
    rawShape('duplicate Cookie lines', 'GET', '/dup-cookie', ['Cookie: a=1', 'Cookie: b=2']),
    rawShape('100 lines of one name', 'GET', '/dups', dups),
    rawShape('odd but legal values', 'GET', '/values', ["X-Token: !#$%&'*+-.^_`|~", 'X-Tabs: a\tb  c', 'X-Latin1: caf\xe9', 'X-Empty:', 'X-Quote: "a, b"; q=1']),
    rawShape('long header (30 KB)', 'GET', '/long', [`X-Long: ${'a'.repeat(30_000)}`]),
    rawShape('1,200 lines, a credential last', 'GET', '/many', [...many, 'Authorization: Bearer last']),
    rawShape('obs-fold (refused by the HTTP parser both ways)', 'GET', '/fold', ['X-Fold: a', '  b'], '', { refused: 400 }),
    rawShape('Keep-Alive without Connection', 'GET', '/ka-raw', ['Keep-Alive: timeout=5'], '', { keepOpen: true }),
    rawShape('Proxy-Connection', 'GET', '/pc', ['Proxy-Connection: keep-alive']),
    rawShape('TE: gzip', 'GET', '/te-gzip', ['TE: gzip']),
    rawShape('Upgrade: h2c without Connection', 'GET', '/h2c-raw', ['Upgrade: h2c']),
    rawShape('h2c offer with a body', 'POST', '/h2c-body', ['Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA', 'Content-Length: 5'], 'hello', { keepOpen: true }),
    rawShape('Expect: 100-continue, body after the 100', 'POST', '/expect', ['Expect: 100-continue', 'Content-Length: 5'], '', { afterContinue: 'hello' }),
    rawShape('chunked with an extension and a trailer', 'POST', '/chunked-raw', ['Transfer-Encoding: chunked'], chunked),
    rawShape('PROPFIND with a body', 'PROPFIND', '/dav', ['Depth: 1', 'Content-Length: 7'], '<a/>\r\n\r'),
    rawShape('MKCOL', 'MKCOL', '/dav/new', []),
    rawShape('PURGE', 'PURGE', '/cache', []),
    rawShape('QUERY with a body', 'QUERY', '/query', ['Content-Type: text/plain', 'Content-Length: 3'], 'q=1'),
    rawShape('GET with a body', 'GET', '/get-body', ['Content-Length: 4'], 'abcd'),
    rawShape('DELETE with Content-Length: 0', 'DELETE', '/del0', ['Content-Length: 0']),
    rawShape('POST with Content-Length: 0', 'POST', '/post0', ['Content-Length: 0']),
    rawShape('HEAD', 'HEAD', '/head-raw', [], '', { head: true }),
    rawShape('OPTIONS *', 'OPTIONS', '*', [], '', { refused: 400 }),
    rawShape('absolute-form target', 'GET', 'http://example.test/x', [], '', { refused: 400 }),
    rawShape('target //x//y', 'GET', '//x//y', []),
    rawShape('target /./a/.', 'GET', '/./a/.', []),
    rawShape('target %2e %2f %5c', 'GET', '/%2e/a%2fb%5cc/%2E', []),
    rawShape('target with backslashes', 'GET', '/a\\b\\c', []),
    rawShape('target with trailing dots', 'GET', '/admin./x..', []),
    rawShape('target with # and odd bytes', 'GET', '/a|b{}^`"<>#frag', []),
    rawShape('target with bad percent-encoding /%zz/%00', 'GET', '/%zz/%00', []),
    rawShape('path of 10,000 bytes', 'GET', `/${'p'.repeat(10_000)}`, []),
    rawShape('query with dot segments', 'GET', '/q?path=../../etc&x=%2e%2e', []),
    rawShape('target /%2e%2e/secret', 'GET', '/%2e%2e/secret', [], '', { refused: 400 }),
    rawShape('target /a/.%2e/b', 'GET', '/a/.%2e/b', [], '', { refused: 400 }),
    rawShape('target /a/..%2fb', 'GET', '/a/..%2fb', [], '', { refused: 400 }),
    rawShape('two Host lines', 'GET', '/two-hosts', ['Host: other.example'], '', { refused: 400 }),
    rawBytes('HTTP/1.0 without Host', 'GET /old-raw HTTP/1.0\r\nX-A: 1\r\n\r\n'),
    rawBytes('names in lower case, no space after the colon', 'GET /lower HTTP/1.1\r\nhost:{host}\r\nx-a:1\r\nconnection:close\r\n\r\n'),
    { ...rawBytes('method in lower case (refused by the HTTP parser both ways)', 'get /lower HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n'), refused: 400 },
    rawShape('Connection: close, Authorization (nominated)', 'GET', '/nominated-auth', ['Authorization: Bearer gone', 'Connection: close, Authorization', 'X-Stay: 1'], '', { keepOpen: true })
  ]
}
