// Every lint rule, by id (= file name). A test checks this list against the folder and docs/rules.
import type { LintRule } from '../types.js'
import { rule as r1 } from './apache-authtype-in-front-of-proxy.js'
import { rule as r2 } from './apache-cgi-without-passauth.js'
import { rule as r3 } from './apache-header-unset-auth-response-header.js'
import { rule as r4 } from './apache-requestheader-set-credential.js'
import { rule as r5 } from './apache-requestheader-unset-credential.js'
import { rule as r6 } from './config-include-missing.js'
import { rule as r7 } from './config-parse-error.js'
import { rule as r8 } from './nginx-cache-authorized-responses.js'
import { rule as r9 } from './nginx-client-header-buffer-too-small.js'
import { rule as r10 } from './nginx-credential-header-cleared.js'
import { rule as r11 } from './nginx-credential-header-replaced.js'
import { rule as r12 } from './nginx-hide-auth-response-header.js'
import { rule as r13 } from './nginx-ingress-auth-strip.js'
import { rule as r14 } from './nginx-pass-request-headers-off.js'
import { rule as r15 } from './nginx-proxy-buffer-too-small.js'
import { rule as r16 } from './nginx-proxy-set-header-inheritance.js'
import { rule as r17 } from './nginx-redirect-changes-origin.js'
import { rule as r18 } from './nginx-underscores-in-headers.js'

export const LINT_RULES: readonly LintRule[] = [
  r1,
  r2,
  r3,
  r4,
  r5,
  r6,
  r7,
  r8,
  r9,
  r10,
  r11,
  r12,
  r13,
  r14,
  r15,
  r16,
  r17,
  r18
]

export const LINT_RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((r) => [r.meta.id, r]))
