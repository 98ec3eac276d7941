// Properties over arbitrary input: parsers and recognition never throw, escaping never lets
// markup through, findings never carry more than names.
import t from 'tap'
import fc from 'fast-check'
import { parseVia } from '../../src/diagnose/layers/via.js'
import { recogniseLayers } from '../../src/diagnose/layers/index.js'
import { viewOf } from '../../src/diagnose/view.js'
import { escapeHtml } from '../../src/report/html.js'
import { createDiagnoser } from '../../src/diagnose/index.js'
import { NOW, exchange } from './factory.js'

const headerName = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,30}$/)

t.test('parseVia never throws and returns well-formed entries', async (t) => {
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 200 }), { maxLength: 4 }), (values) => {
    for (const entry of parseVia(values)) {
      if (entry.receivedBy === '' || entry.version === '') return false
    }
    return true
  }), { numRuns: 500 })
  t.pass('ok')
})

t.test('escapeHtml leaves no markup character', async (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => !/[<>"'`]/.test(escapeHtml(s))), { numRuns: 1000 })
  t.pass('ok')
})

t.test('recognition and every rule survive arbitrary header names, values and statuses', async (t) => {
  const diagnoser = createDiagnoser({ expectIssuers: ['https://id.example.com/'], expectAudiences: [], now: () => NOW })
  fc.assert(fc.property(
    fc.dictionary(headerName, fc.string({ maxLength: 120 }), { maxKeys: 8 }),
    fc.integer({ min: 0, max: 999 }),
    fc.option(fc.string({ maxLength: 80 }), { nil: null }),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    (headers, status, location, queryKeys) => {
      const ex = exchange({ headers, queryKeys, response: { status, location } })
      recogniseLayers(viewOf(ex), ex)
      diagnoser.observe(ex)
      return true
    }
  ), { numRuns: 500 })
  t.same(diagnoser.snapshot().stats?.ruleErrors, {}, 'no rule threw on any input')
})
