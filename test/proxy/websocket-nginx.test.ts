// Real nginx in front of hopwatch, configured for websockets the usual way: the upgrade goes
// through nginx and hopwatch to the upstream, and the upstream's answer comes back through both
// (its 101 and frames, or its 401 and challenge), compared with nginx straight in front of the app.
import t from 'tap'
import { hasNginx, startNginx } from '../helpers/real-servers.js'
import { startHopwatch, waitForExchanges } from '../helpers/hopwatch.js'
import { closed, handshake, nextMessage } from '../helpers/ws-client.js'
import { REFUSE_401_BODY, startWsUpstream } from '../helpers/ws-upstream.js'

const WS_CONF = `server { listen {{LISTEN}}; location / {
  proxy_pass {{UPSTREAM}};
  proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade;
  proxy_set_header Connection "upgrade";
  proxy_set_header Host $host;
} }`

const wsUrlOf = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws')

t.test('nginx -> hopwatch -> app', { skip: hasNginx() ? false : 'nginx is not installed' }, async (t) => {
  const upstream = await startWsUpstream({ perMessageDeflate: true, pickProtocol: (offered) => offered.has('chat.v1') ? 'chat.v1' : false })
  const hw = await startHopwatch(upstream.url)
  t.teardown(async () => { await hw.close(); await upstream.close() })
  const nginx = await startNginx(WS_CONF, { upstream: hw.trafficUrl, t })
  const direct = await startNginx(WS_CONF, { upstream: upstream.url, t })

  t.test('accepted: frames both ways, subprotocol and deflate from the upstream, recorded as 101', async (t) => {
    const opened = await handshake(`${wsUrlOf(nginx.url)}/live`, { protocols: ['chat.v1'], perMessageDeflate: true, headers: { authorization: 'Bearer via-nginx' } })
    if (opened.kind !== 'open') throw new Error(`no websocket through nginx: ${JSON.stringify(opened)}`)
    t.equal(opened.ws.protocol, 'chat.v1')
    t.match(opened.ws.extensions, /permessage-deflate/)
    opened.ws.send('through nginx')
    t.equal(await nextMessage(opened.ws), 'echo:through nginx')
    opened.ws.send(Buffer.from([9, 8, 7]), { binary: true })
    t.same([...await nextMessage(opened.ws) as Buffer], [9, 8, 7])
    opened.ws.send('close:4003')
    t.equal((await closed(opened.ws)).code, 4003, "the upstream's close code through nginx and hopwatch")
    await waitForExchanges(hw, 1)
    const ex = hw.store.list().find((e) => e.path === '/live')
    t.equal(ex?.response.status, 101)
    t.equal(ex?.websocket, true)
    t.ok(ex?.arrived.some((h) => h.key === 'authorization'), 'Authorization arrived through nginx')
  })

  t.test('refused with 401: the client gets what nginx alone would give it, the report records the 401', async (t) => {
    const before = hw.store.total
    const through = await handshake(`${wsUrlOf(nginx.url)}/refuse401`)
    const alone = await handshake(`${wsUrlOf(direct.url)}/refuse401`)
    if (through.kind !== 'refused' || alone.kind !== 'refused') throw new Error(`not refused: ${JSON.stringify([through, alone])}`)
    t.equal(through.status, 401)
    t.equal(through.status, alone.status, 'same status as nginx straight in front of the app')
    t.equal(through.headers['www-authenticate'], 'Bearer realm="ws"')
    t.equal(through.headers['www-authenticate'], alone.headers['www-authenticate'])
    t.equal(through.body, REFUSE_401_BODY)
    t.equal(through.body, alone.body)
    await waitForExchanges(hw, before + 1)
    const ex = hw.store.list().find((e) => e.path === '/refuse401')
    t.equal(ex?.response.status, 401)
    t.same(ex?.response.wwwAuthenticate.map((c) => c.scheme), ['Bearer'])
  })
})
