// Cases for the rules about credentials that did not arrive, or arrived renamed or refused.
import { challenge, exchange, opaque, seen, unauthorized, cookie } from '../factory.js'
import type { RuleCases } from './types.js'

const NGINX_DEFAULT = { httpVersion: '1.0', headers: { Connection: 'close' } }
const CLOUDFLARE = { 'CF-Ray': '8a1b2c3d4e5f6789-AMS', 'CDN-Loop': 'cloudflare' }

export const MISSING: Record<string, RuleCases> = {
  'credential-missing-on-401': {
    fires: [
      { name: 'anonymous: nothing arrived and no sign this client ever sends a credential (counted, info, no layer)', exchange: unauthorized(NGINX_DEFAULT), expect: { header: 'authorization', layer: null, severity: 'info' }, count: 1 },
      { name: 'the same client sent Authorization to this route before, no proxy in front', before: [exchange()], exchange: unauthorized(), expect: { header: 'authorization', layer: null, confidence: 'likely', severity: 'warning' }, count: 1 },
      { name: 'default nginx proxy_pass in front, the same client sent Authorization to this route before', before: [exchange(NGINX_DEFAULT)], exchange: unauthorized(NGINX_DEFAULT), expect: { header: 'authorization', layer: 'nginx', confidence: 'likely', severity: 'error' }, count: 1 },
      { name: 'the client sends Authorization only to other routes: possible, a warning', before: [exchange({ ...NGINX_DEFAULT, route: '/users/:id' })], exchange: unauthorized(NGINX_DEFAULT), expect: { layer: 'nginx', confidence: 'possible', severity: 'warning' }, count: 1 },
      { name: 'cloudflare and nginx: one possible finding each', before: [exchange()], exchange: unauthorized({ ...NGINX_DEFAULT, headers: { Connection: 'close', ...CLOUDFLARE } }), expect: { confidence: 'possible', severity: 'warning' }, count: 2 },
      { name: 'only a cookie arrived but the challenge asks for Authorization', exchange: unauthorized({ arrived: [seen('Cookie', [cookie()])] }), expect: { header: 'authorization' } },
      { name: 'no challenge: the header is named from what the route receives on other calls', before: [exchange({ arrived: [seen('x-api-key', [opaque()])], headers: { 'User-Agent': 'other-client/1' } })], exchange: unauthorized({ ...NGINX_DEFAULT, response: { status: 401, wwwAuthenticate: [] } }), expect: { header: 'x-api-key', severity: 'info' } },
      { name: 'no challenge, no credential, nothing names it', exchange: unauthorized({ response: { status: 401, wwwAuthenticate: [] } }), expect: { header: null } }
    ],
    quiet: [
      { name: '401 although Authorization arrived (bad token, not a missing one)', exchange: exchange({ response: { status: 401, wwwAuthenticate: [challenge('Bearer', 'invalid_token')] } }) },
      { name: '403 without credentials', exchange: unauthorized({ response: { status: 403, wwwAuthenticate: [] } }) },
      { name: '401 made by hopwatch itself', exchange: unauthorized({ response: { status: 401, source: 'hopwatch' } }) },
      { name: '200 without credentials', exchange: exchange({ arrived: [] }) },
      { name: 'a 401 right after the same client was redirected here with Authorization (reported as auth-lost-on-redirect)', before: [exchange({ path: '/old', route: '/old', response: { status: 302, location: 'https://other.example/orders/42' } })], exchange: unauthorized() }
    ]
  },
  'credential-renamed': {
    fires: [
      { name: 'API Gateway remapped Authorization', exchange: exchange({ arrived: [seen('x-amzn-Remapped-Authorization')], response: { status: 401, wwwAuthenticate: [challenge()] } }), expect: { header: 'authorization', layer: 'aws-api-gateway', severity: 'error' } },
      { name: 'X-Forwarded-Authorization from a gateway', exchange: exchange({ arrived: [], headers: { 'X-Forwarded-Authorization': '' } }), expect: { header: 'authorization', layer: null } }
    ],
    quiet: [
      { name: 'plain Authorization', exchange: exchange() },
      { name: 'an X-Amzn-Trace-Id is not a rename', exchange: exchange({ headers: { 'X-Amzn-Trace-Id': 'Root=1-67891233-abcdef012345678912345678' } }) }
    ]
  },
  'credential-dropped-here': {
    fires: [
      {
        name: 'Authorization nominated in Connection was dropped by hopwatch',
        exchange: exchange({ forwarded: [], droppedHere: ['authorization'], dropReasons: { authorization: 'nominated in the Connection header (hop-by-hop)' } }),
        expect: { header: 'authorization', layer: 'hopwatch', confidence: 'certain' },
        count: 1
      },
      { name: 'arrived but missing from what was forwarded', exchange: exchange({ arrived: [seen('X-Api-Key', [opaque()])], forwarded: [] }), expect: { header: 'x-api-key' } }
    ],
    quiet: [
      { name: 'forwarded as it arrived', exchange: exchange() },
      { name: 'nothing was sent upstream (502 before forwarding)', exchange: exchange({ forwarded: null, response: { status: 502, source: 'hopwatch' } }) }
    ]
  },
  'www-authenticate-missing': {
    fires: [{ name: '401 with no challenge', exchange: exchange({ response: { status: 401 } }), expect: { header: 'www-authenticate', severity: 'warning' } }],
    quiet: [
      { name: '401 with a Bearer challenge', exchange: exchange({ response: { status: 401, wwwAuthenticate: [challenge()] } }) },
      { name: '403 with no challenge', exchange: exchange({ response: { status: 403 } }) }
    ]
  },
  'forbidden-not-unauthorized': {
    fires: [{ name: '403 with a bearer token', exchange: exchange({ response: { status: 403 } }), expect: { header: 'authorization' } }],
    quiet: [
      { name: '403 without any credential', exchange: exchange({ arrived: [], response: { status: 403 } }) },
      { name: '200 with a bearer token', exchange: exchange() }
    ]
  },
  'working-vs-failing': {
    fires: [
      { name: 'the working call had Authorization, the failing one did not', before: [exchange()], exchange: unauthorized(), count: 1 },
      { name: 'different issuers on one route', before: [exchange()], exchange: exchange({ arrived: [seen('Authorization', [opaque()])], response: { status: 401 } }) }
    ],
    quiet: [
      { name: 'a 401 with no working call on the route yet', exchange: unauthorized() },
      { name: 'a failing call on another route', before: [exchange()], exchange: unauthorized({ route: '/users/:id' }) },
      { name: 'same credentials in both (the token itself is the problem)', before: [exchange()], exchange: exchange({ response: { status: 401 } }) }
    ]
  }
}
