// Every lint rule, by id (= file name). test/lint/rules.test.ts checks this list against the
// folder, the docs pages and the valid/invalid tables.
import type { LintRule } from '../types.js'
import { rule as apacheAuthtypeInFrontOfProxy } from './apache-authtype-in-front-of-proxy.js'
import { rule as apacheCgiWithoutPassauth } from './apache-cgi-without-passauth.js'
import { rule as apacheHeaderUnsetAuthResponseHeader } from './apache-header-unset-auth-response-header.js'
import { rule as apacheRequestheaderSetCredential } from './apache-requestheader-set-credential.js'
import { rule as apacheRequestheaderUnsetCredential } from './apache-requestheader-unset-credential.js'
import { rule as caddyCredentialHeaderRemoved } from './caddy-credential-header-removed.js'
import { rule as configIncludeMissing } from './config-include-missing.js'
import { rule as configParseError } from './config-parse-error.js'
import { rule as haproxyBufsizeTooSmall } from './haproxy-bufsize-too-small.js'
import { rule as haproxyCredentialHeaderRemoved } from './haproxy-credential-header-removed.js'
import { rule as haproxyCredentialHeaderReplaced } from './haproxy-credential-header-replaced.js'
import { rule as nginxAuthBasicForwardsPassword } from './nginx-auth-basic-forwards-password.js'
import { rule as nginxCacheAuthorizedResponses } from './nginx-cache-authorized-responses.js'
import { rule as nginxClientHeaderBufferTooSmall } from './nginx-client-header-buffer-too-small.js'
import { rule as nginxCredentialHeaderCleared } from './nginx-credential-header-cleared.js'
import { rule as nginxCredentialHeaderReplaced } from './nginx-credential-header-replaced.js'
import { rule as nginxHideAuthResponseHeader } from './nginx-hide-auth-response-header.js'
import { rule as nginxIngressAuthStrip } from './nginx-ingress-auth-strip.js'
import { rule as nginxPassRequestHeadersOff } from './nginx-pass-request-headers-off.js'
import { rule as nginxProxyBufferTooSmall } from './nginx-proxy-buffer-too-small.js'
import { rule as nginxProxySetHeaderInheritance } from './nginx-proxy-set-header-inheritance.js'
import { rule as nginxRedirectChangesOrigin } from './nginx-redirect-changes-origin.js'
import { rule as nginxUnderscoresInHeaders } from './nginx-underscores-in-headers.js'
import { rule as vclCredentialHeaderUnset } from './vcl-credential-header-unset.js'

export const LINT_RULES: readonly LintRule[] = [
  apacheAuthtypeInFrontOfProxy,
  apacheCgiWithoutPassauth,
  apacheHeaderUnsetAuthResponseHeader,
  apacheRequestheaderSetCredential,
  apacheRequestheaderUnsetCredential,
  caddyCredentialHeaderRemoved,
  configIncludeMissing,
  configParseError,
  haproxyBufsizeTooSmall,
  haproxyCredentialHeaderRemoved,
  haproxyCredentialHeaderReplaced,
  nginxAuthBasicForwardsPassword,
  nginxCacheAuthorizedResponses,
  nginxClientHeaderBufferTooSmall,
  nginxCredentialHeaderCleared,
  nginxCredentialHeaderReplaced,
  nginxHideAuthResponseHeader,
  nginxIngressAuthStrip,
  nginxPassRequestHeadersOff,
  nginxProxyBufferTooSmall,
  nginxProxySetHeaderInheritance,
  nginxRedirectChangesOrigin,
  nginxUnderscoresInHeaders,
  vclCredentialHeaderUnset
]

export const LINT_RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.meta.id, r]))
