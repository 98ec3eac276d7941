// The HTTP/2 baseline: bare fastify with `http2: true` (cleartext, prior knowledge) and
// @fastify/http-proxy to the same HTTP/1.1 upstream, logger off, default options, in its own
// child process. argv[2] is the upstream URL.
import Fastify from 'fastify'
import httpProxy from '@fastify/http-proxy'

const upstream = process.argv[2]
if (upstream === undefined) {
  console.error('usage: node bare-h2.js UPSTREAM_URL')
  process.exit(2)
}

const app = Fastify({ logger: false, http2: true })
await app.register(httpProxy, { upstream })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 })
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
process.on('disconnect', () => { process.exit(0) })
