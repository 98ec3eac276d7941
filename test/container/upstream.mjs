// The upstream app of the container test, on 127.0.0.1 only: 200 with any Bearer token, 401
// with a Bearer challenge without one; /slow waits ?ms= (at most 20 s) before answering, and
// prints "slow started" when it begins, so the test can stop hopwatch with it in flight.
// Never logs or echoes header values.
import { createServer } from 'node:http'
import process from 'node:process'
import { setTimeout } from 'node:timers'
import { URL } from 'node:url'

const port = Number(process.argv[2])
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://upstream')
  const answer = () => {
    if (/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true, path: url.pathname }))
    } else {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="ci"' })
      res.end('{"error":"unauthorized"}')
    }
  }
  req.resume()
  req.on('end', () => {
    if (url.pathname !== '/slow') return answer()
    process.stdout.write('slow started\n')
    setTimeout(answer, Math.min(Number(url.searchParams.get('ms') ?? 1000), 20_000))
  })
})
server.listen(port, '127.0.0.1', () => { process.stdout.write(`upstream listening on 127.0.0.1:${port}\n`) })
process.on('SIGTERM', () => { server.close(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref() })
