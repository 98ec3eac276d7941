import { JWT } from './jwt.js'
import { MISSING } from './missing.js'
import { SHAPE } from './shape.js'
import type { RuleCases } from './types.js'

export const CASES: Readonly<Record<string, RuleCases>> = { ...MISSING, ...JWT, ...SHAPE }
export type { Case, RuleCases } from './types.js'
