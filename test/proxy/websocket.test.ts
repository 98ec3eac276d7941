// Websockets pass through with the client's credential headers, and the upgrade is audited.
import t from 'tap'
import { createServer } from 'node:http'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'

t.test('websocket messages go both ways; Authorization and Cookie reach the upstream', async (t) => {
  const server = createServer()
  const wss = new WebSocketServer({ server })
  const seen: Array<Record<string, string | string[] | undefined>> = []
  wss.on('connection', (socket, req) => {
    seen.push(req.headers)
    socket.on('message', (data, binary) => socket.send(binary ? data : `echo:${String(data)}`, { binary }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const hw = await startHopwatch(`http://127.0.0.1:${port}`)
  t.teardown(async () => { await hw.close(); wss.close(); server.close() })

  const client = new WebSocket(hw.trafficUrl.replace('http', 'ws') + '/live?room=1', {
    headers: { authorization: 'Bearer ws-token', cookie: 'sid=1', host: 'app.example.test' }
  })
  await new Promise<void>((resolve, reject) => { client.once('open', resolve); client.once('error', reject) })
  const reply = new Promise<string>((resolve) => client.once('message', (d) => resolve(String(d))))
  client.send('hi')
  t.equal(await reply, 'echo:hi')
  const binaryReply = new Promise<Buffer>((resolve) => client.once('message', (d) => resolve(d as Buffer)))
  client.send(Buffer.from([0, 1, 2, 255]), { binary: true })
  t.same([...await binaryReply], [0, 1, 2, 255], 'binary frame intact')
  client.close()

  t.equal(seen.length, 1)
  t.ok(seen[0]?.authorization === 'Bearer ws-token', 'Authorization reached the upstream')
  t.equal(seen[0]?.cookie, 'sid=1')
  t.equal(seen[0]?.host, 'app.example.test', 'Host kept')
  await waitForExchanges(hw, 1)
  const ex = hw.store.list()[0]
  t.equal(ex?.websocket, true)
  t.equal(ex?.path, '/live')
  t.same(ex?.arrived.map((h) => h.key).sort(), ['authorization', 'cookie'])
  t.same(ex?.droppedHere, [])
})
