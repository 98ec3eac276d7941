// The demo app of docker/compose.yaml: answers 200 to any request carrying
// `Authorization: Bearer ...` and 401 with a Bearer challenge otherwise, like an API would.
// Plain Node, no dependencies: compose runs it with the official node image, no build.
// It never logs or echoes header values.
import { createServer } from 'node:http'
import process from 'node:process'

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '0.0.0.0'

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":"ok"}')
      return
    }
    if (/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true, path: req.url }))
      return
    }
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="demo"' })
    res.end('{"error":"unauthorized"}')
  })
})

server.listen(port, host, () => { process.stdout.write(`demo app listening on ${host}:${port}\n`) })
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)))
}
