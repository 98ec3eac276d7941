// A config the linter cannot parse (or whose includes loop) is reported, never thrown.
import type { LintRule } from '../types.js'
import { docsPath } from '../rule-helpers.js'

const id = 'config-parse-error'

export const rule: LintRule = {
  dialect: 'any',
  meta: {
    id,
    severity: 'error',
    summary: 'The config has a syntax error or an include cycle.',
    description: 'hopwatch could not read this part of the config the way nginx or httpd would. The server itself would refuse to start or reload, and the rules could not check what follows the error.',
    remediation: {
      nginx: 'Fix the syntax at this line (check with `nginx -t`); break the include cycle.',
      apache: 'Fix the syntax at this line (check with `apachectl configtest`); break the include cycle.',
      default: 'Fix the syntax at this line.'
    },
    docs: docsPath(id)
  },
  check: (tree) => tree.problems
    .filter((p) => p.kind !== 'include-missing')
    .map((p) => ({ where: p, message: p.message }))
}
