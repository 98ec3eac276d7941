// ESLint-style rule tables: `valid` configs must not fire the rule, `invalid` ones must fire it
// at exactly the listed lines (and severities, when given).
import type { Severity } from '../../../src/rules/meta.js'
import type { Dialect } from '../../../src/lint/types.js'

export interface ValidCase { code: string, dialect?: Dialect, credentialHeaders?: string[], name?: string }
export interface InvalidCase extends ValidCase { findings: Array<{ line: number, severity?: Severity, header?: string, messageId?: string }> }
export interface RuleCases { valid: ValidCase[], invalid: InvalidCase[] }
