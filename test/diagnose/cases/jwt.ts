// Cases for the token-time and token-identity rules.
import { AUDIENCE, HOUR, ISSUER, NOW, NOW_S, bearer, exchange, seen } from '../factory.js'
import type { JwtSummary } from '../../../src/capture/types.js'
import type { RuleCases } from './types.js'

function withJwt (claims: Partial<JwtSummary>) {
  return exchange({ arrived: [seen('Authorization', [bearer({ jwt: claims })])] })
}

export const JWT: Record<string, RuleCases> = {
  'jwt-expired': {
    fires: [
      { name: 'expired an hour ago', exchange: withJwt({ exp: NOW_S - HOUR }), expect: { header: 'authorization', severity: 'error', layer: 'client' }, count: 1 },
      { name: 'expires exactly now (RFC 7519: on or after)', exchange: withJwt({ exp: NOW_S }) }
    ],
    quiet: [
      { name: 'expires in a second', exchange: withJwt({ exp: NOW_S + 1 }) },
      { name: 'no exp claim', exchange: withJwt({ exp: null }) },
      { name: 'not a JWT', exchange: exchange({ arrived: [seen('Authorization', [bearer({ jwt: null })])] }) }
    ]
  },
  'jwt-not-yet-valid': {
    fires: [{ name: 'nbf five minutes ahead', exchange: withJwt({ nbf: NOW_S + 300 }), expect: { header: 'authorization', severity: 'error' } }],
    quiet: [
      { name: 'nbf exactly now', exchange: withJwt({ nbf: NOW_S }) },
      { name: 'nbf in the past', exchange: withJwt({ nbf: NOW_S - 10 }) }
    ]
  },
  'jwt-expiring-soon': {
    fires: [{ name: '30 s left', exchange: withJwt({ exp: NOW_S + 30 }), expect: { severity: 'info', header: 'authorization' } }],
    quiet: [
      { name: '61 s left', exchange: withJwt({ exp: NOW_S + 61 }) },
      { name: 'already expired (jwt-expired says so)', exchange: withJwt({ exp: NOW_S - 1 }) }
    ]
  },
  'clock-skew': {
    fires: [
      { name: 'upstream Date two minutes ahead', exchange: exchange({ response: { date: new Date(NOW + 120_000).toUTCString() } }), expect: { header: null, confidence: 'certain' } },
      { name: 'upstream Date five minutes behind', exchange: exchange({ response: { date: new Date(NOW - 300_000).toUTCString() } }), expect: { header: null } },
      { name: 'token issued ten minutes in the future', exchange: withJwt({ iat: NOW_S + 600 }), expect: { header: 'authorization', confidence: 'likely' } }
    ],
    quiet: [
      { name: 'Date within the one-second resolution', exchange: exchange({ response: { date: new Date(NOW - 900).toUTCString() } }) },
      { name: 'Date eight seconds off (under the 10 s threshold)', exchange: exchange({ response: { date: new Date(NOW + 8_000).toUTCString() } }) },
      { name: 'no Date header', exchange: exchange({ response: { date: null } }) },
      { name: 'iat 30 s ahead (within leeway)', exchange: withJwt({ iat: NOW_S + 30 }) }
    ]
  },
  'token-environment-mismatch': {
    fires: [
      { name: 'staging issuer sent to production', exchange: withJwt({ iss: 'https://id.staging.example.com/' }), expectIssuers: [ISSUER], expectAudiences: [AUDIENCE], expect: { header: 'authorization', severity: 'error' } },
      { name: 'token for another API', exchange: withJwt({ aud: ['api://billing'] }), expectIssuers: [ISSUER], expectAudiences: [AUDIENCE] },
      { name: 'issuer missing while one is expected', exchange: withJwt({ iss: null }), expectIssuers: [ISSUER] }
    ],
    quiet: [
      { name: 'issuer and audience as expected', exchange: withJwt({}), expectIssuers: [ISSUER], expectAudiences: [AUDIENCE] },
      { name: 'one of several audiences matches', exchange: withJwt({ aud: ['api://billing', AUDIENCE] }), expectAudiences: [AUDIENCE] },
      { name: 'nothing configured', exchange: withJwt({ iss: 'https://anything.example/' }) },
      {
        name: 'a Cloudflare Access assertion has its own issuer',
        exchange: exchange({ arrived: [seen('Authorization', [bearer()]), seen('Cf-Access-Jwt-Assertion', [bearer({ scheme: null, jwt: { iss: 'https://team.cloudflareaccess.com', aud: ['tag'] } })])] }),
        expectIssuers: [ISSUER],
        expectAudiences: [AUDIENCE]
      }
    ]
  }
}
