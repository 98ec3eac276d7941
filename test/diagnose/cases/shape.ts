// Cases for the rules about the shape of requests and responses.
import { basic, bearer, cookie, exchange, opaque, seen } from '../factory.js'
import type { RuleCases } from './types.js'

const redirect = (location: string, headers: Record<string, string> = {}) =>
  exchange({ response: { status: 302, location }, context: { host: ['api.example.com'] }, headers })

/** mod_proxy_http defaults (ProxyAddHeaders On). */
const APACHE_DEFAULT = { 'X-Forwarded-For': '192.0.2.1', 'X-Forwarded-Host': 'api.example.com', 'X-Forwarded-Server': 'localhost' }

export const SHAPE: Record<string, RuleCases> = {
  'malformed-authorization': {
    fires: [
      { name: 'bare token without a scheme', exchange: exchange({ arrived: [seen('Authorization', [opaque()])] }), expect: { severity: 'error', layer: 'client' } },
      { name: 'Bearer with nothing after it', exchange: exchange({ arrived: [seen('Authorization', [bearer({ jwt: null, shape: { emptyToken: true } })])] }), expect: { severity: 'error' } },
      { name: 'a trailing newline', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { controlChars: true } })])] }), expect: { severity: 'error' } },
      { name: 'Basic that is not base64 of user:password', exchange: exchange({ arrived: [seen('Authorization', [basic(false)])] }), expect: { severity: 'error' } },
      { name: 'doubled space', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { doubleSpace: true } })])] }), expect: { severity: 'warning' } },
      { name: 'quoted bearer token', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { quoted: true } })])] }), expect: { severity: 'warning' } },
      { name: 'unrecognised scheme', exchange: exchange({ arrived: [seen('Authorization', [bearer({ scheme: 'Bearr', jwt: null })])] }), expect: { severity: 'info' } }
    ],
    quiet: [
      { name: 'Bearer JWT', exchange: exchange() },
      { name: 'two tokens joined by a proxy (Apache\'s merge: duplicate-credential reports it)', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { joined: true } })])] }) },
      { name: 'valid Basic', exchange: exchange({ arrived: [seen('Authorization', [basic(true)])] }) },
      { name: 'Digest with quoted auth-params', exchange: exchange({ arrived: [seen('Authorization', [bearer({ scheme: 'Digest', jwt: null, shape: { quoted: true } })])] }) },
      { name: 'an X-Api-Key is not a schemed header', exchange: exchange({ arrived: [seen('X-Api-Key', [opaque()])] }) }
    ]
  },
  'duplicate-credential': {
    fires: [
      { name: 'two different Authorization lines', exchange: exchange({ arrived: [seen('Authorization', [bearer({ hash: 'h1' }), bearer({ hash: 'h2' })])] }), expect: { header: 'authorization', severity: 'error' } },
      { name: 'the same X-Api-Key twice', exchange: exchange({ arrived: [seen('X-Api-Key', [opaque('k1'), opaque('k1')])] }), expect: { header: 'x-api-key', severity: 'warning' } },
      { name: 'two Cookie lines over HTTP/1.1', exchange: exchange({ arrived: [seen('Cookie', [cookie(), cookie()])] }), expect: { header: 'cookie' } },
      { name: 'two Authorization lines behind Apache: Apache added one (RequestHeader add)', exchange: exchange({ arrived: [seen('Authorization', [bearer({ hash: 'h1' }), bearer({ hash: 'h2' })])], headers: APACHE_DEFAULT }), expect: { header: 'authorization', layer: 'apache', confidence: 'likely', severity: 'error' } },
      { name: 'one line with two tokens joined behind Apache: the client sent two', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { joined: true } })])], headers: APACHE_DEFAULT }), expect: { header: 'authorization', layer: 'client', confidence: 'likely', severity: 'error' } },
      { name: 'joined tokens with no proxy recognised: possible, a warning', exchange: exchange({ arrived: [seen('Authorization', [bearer({ shape: { joined: true } })])] }), expect: { layer: 'client', confidence: 'possible', severity: 'warning' } }
    ],
    quiet: [
      { name: 'one Authorization line', exchange: exchange() },
      { name: 'Cookie split into crumbs over HTTP/2', exchange: exchange({ httpVersion: '2.0', arrived: [seen('cookie', [cookie(), cookie()])] }) }
    ]
  },
  'invalid-header-name': {
    fires: [
      { name: 'X_Api_Key recognised as a credential', exchange: exchange({ arrived: [seen('X_Api_Key', [opaque()], false)] }), expect: { header: 'x_api_key', severity: 'warning' } },
      { name: 'x.auth.token among the header names only', exchange: exchange({ arrived: [], headers: { 'x.auth.token': '' } }), expect: { header: 'x.auth.token' } }
    ],
    quiet: [
      { name: 'X-Api-Key', exchange: exchange({ arrived: [seen('X-Api-Key', [opaque()])] }) },
      { name: 'an underscore name that is not a credential', exchange: exchange({ headers: { X_Trace_Tag: '' } }) }
    ]
  },
  'credential-in-query': {
    fires: [
      { name: '?access_token=', exchange: exchange({ queryKeys: ['page', 'access_token'] }), expect: { header: null, layer: 'client' }, count: 1 },
      { name: '?api_key= and ?API_KEY= count once', exchange: exchange({ queryKeys: ['api_key', 'API_KEY'] }), count: 1 }
    ],
    quiet: [
      { name: 'ordinary parameters', exchange: exchange({ queryKeys: ['page', 'sort', 'token_type_hint_x'] }) },
      { name: 'pre-signed S3 URL', exchange: exchange({ queryKeys: ['X-Amz-Signature', 'X-Amz-Credential'] }) }
    ]
  },
  'auth-lost-on-redirect': {
    fires: [
      { name: 'redirect to another host', exchange: redirect('https://login.example.net/next'), expect: { header: 'authorization', severity: 'warning' } },
      { name: 'http -> https behind TLS termination', exchange: redirect('https://api.example.com/orders/42/'), expect: { confidence: 'possible' } },
      { name: 'https -> http downgrade announced by X-Forwarded-Proto', exchange: redirect('http://api.example.com/orders/42/', { 'X-Forwarded-Proto': 'https' }), expect: { confidence: 'likely' } },
      { name: 'https -> http downgrade announced by Forwarded (RFC 7239)', exchange: redirect('http://api.example.com/x', { Forwarded: 'for=192.0.2.1;proto=https;host="api.example.com"' }), expect: { confidence: 'likely' } },
      {
        name: 'behind a default NGINX the Host is the proxy\'s own address: the client\'s origin is unknown (info, possible)',
        exchange: exchange({ httpVersion: '1.0', response: { status: 302, location: 'http://public.example:8080/next' }, context: { host: ['127.0.0.1:3000'] }, headers: { Connection: 'close' } }),
        expect: { severity: 'info', confidence: 'possible' }
      }
    ],
    quiet: [
      { name: 'relative Location', exchange: redirect('/orders/42/') },
      { name: 'relative Location behind a default NGINX', exchange: exchange({ httpVersion: '1.0', response: { status: 302, location: '/next' }, context: { host: ['127.0.0.1:3000'] }, headers: { Connection: 'close' } }) },
      { name: 'same origin, absolute', exchange: redirect('https://api.example.com/orders/42/', { 'X-Forwarded-Proto': 'https' }) },
      { name: 'same origin through Forwarded', exchange: redirect('https://api.example.com/x', { Forwarded: 'for=192.0.2.1;proto=https, for=10.0.0.1;proto=http' }) },
      { name: 'no Authorization to lose', exchange: exchange({ arrived: [], response: { status: 302, location: 'https://login.example.net/' } }) },
      { name: '200 with a Location header', exchange: exchange({ response: { status: 201, location: 'https://other.example/' } }) }
    ]
  },
  'rate-limited': {
    fires: [
      { name: '429 without Retry-After', exchange: exchange({ response: { status: 429 } }), expect: { confidence: 'certain' } },
      { name: '503 with Retry-After', exchange: exchange({ response: { status: 503, retryAfter: '30' } }), expect: { confidence: 'likely' } }
    ],
    quiet: [
      { name: '503 without Retry-After (an outage)', exchange: exchange({ response: { status: 503 } }) },
      { name: '429 answered by hopwatch itself', exchange: exchange({ response: { status: 429, source: 'hopwatch' } }) }
    ]
  }
}
