// An include whose target is not here: its directives could not be checked.
import type { LintRule } from '../types.js'
import { docsPath } from '../rule-helpers.js'

const id = 'config-include-missing'

export const rule: LintRule = {
  dialect: 'any',
  meta: {
    id,
    severity: 'warning',
    summary: 'An included file was not found, so its directives were not checked.',
    description: 'nginx `include` and Apache `Include` of a file that does not exist stop the server from starting; when the file lives elsewhere (another repository, the image), hopwatch lint cannot see what it does to credentials.',
    remediation: {
      nginx: 'Lint from the directory the config is deployed from, or pass the included files too.',
      apache: 'Use IncludeOptional for optional files, or lint with the included files present.',
      default: 'Lint with the included files present.'
    },
    docs: docsPath(id)
  },
  check: (tree) => tree.problems
    .filter((p) => p.kind === 'include-missing')
    .map((p) => ({ where: p, message: p.message }))
}
