import type { Exchange } from '../../../src/capture/types.js'
import type { Finding } from '../../../src/diagnose/types.js'

export interface Case {
  name: string
  exchange: Exchange
  /** Exchanges observed first (working-vs-failing needs a working call). */
  before?: Exchange[]
  expectIssuers?: string[]
  expectAudiences?: string[]
  /** Fields every finding of the rule must have (fires only). */
  expect?: Partial<Pick<Finding, 'header' | 'layer' | 'severity' | 'confidence'>>
  /** Exact number of findings of the rule (fires only). */
  count?: number
}

/** Per rule: exchanges that must make it fire, and near-misses that must stay quiet. */
export interface RuleCases {
  fires: Case[]
  quiet: Case[]
}
