// Every runtime rule, in the order they run. The rule id is the file name.
import type { RuntimeRule } from '../rule.js'
import { rule as authLostOnRedirect } from './auth-lost-on-redirect.js'
import { rule as clockSkew } from './clock-skew.js'
import { rule as credentialDroppedHere } from './credential-dropped-here.js'
import { rule as credentialInQuery } from './credential-in-query.js'
import { rule as credentialMissingOn401 } from './credential-missing-on-401.js'
import { rule as credentialRenamed } from './credential-renamed.js'
import { rule as duplicateCredential } from './duplicate-credential.js'
import { rule as forbiddenNotUnauthorized } from './forbidden-not-unauthorized.js'
import { rule as invalidHeaderName } from './invalid-header-name.js'
import { rule as jwtExpired } from './jwt-expired.js'
import { rule as jwtExpiringSoon } from './jwt-expiring-soon.js'
import { rule as jwtNotYetValid } from './jwt-not-yet-valid.js'
import { rule as malformedAuthorization } from './malformed-authorization.js'
import { rule as rateLimited } from './rate-limited.js'
import { rule as tokenEnvironmentMismatch } from './token-environment-mismatch.js'
import { rule as workingVsFailing } from './working-vs-failing.js'
import { rule as wwwAuthenticateMissing } from './www-authenticate-missing.js'

export const RULES: readonly RuntimeRule[] = [
  credentialMissingOn401,
  credentialRenamed,
  credentialDroppedHere,
  wwwAuthenticateMissing,
  jwtExpired,
  jwtNotYetValid,
  jwtExpiringSoon,
  clockSkew,
  malformedAuthorization,
  duplicateCredential,
  invalidHeaderName,
  tokenEnvironmentMismatch,
  credentialInQuery,
  authLostOnRedirect,
  rateLimited,
  forbiddenNotUnauthorized,
  workingVsFailing
]
