// An include whose target is not here: its directives could not be checked. A file expected to
// live elsewhere (an absolute path not mapped by --root, a relative one from a deployed folder such
// as sites-enabled/ without its main config) is info; one that should sit next to the config is a
// warning. Each target is reported once per run; the CLI prints how many includes it stood for.
import type { LintRule } from '../types.js'
import { docsPath } from '../rule-helpers.js'

const id = 'config-include-missing'

export const rule: LintRule = {
  dialect: 'any',
  meta: {
    id,
    severity: 'warning',
    summary: 'An included file was not found, so its directives were not checked.',
    description: 'nginx `include` and Apache `Include` of a file that does not exist stop the server from starting; when the file lives elsewhere (another repository, the image, /etc on the server), hopwatch lint cannot see what it does to credentials. Such targets (absolute paths, and relative ones from sites-enabled/, conf.d/ ... linted without their main config) are reported at info, once per target; `--root DIR` maps absolute include paths onto a checked-out tree.',
    remediation: {
      nginx: 'Lint with `--root DIR` (or `--root /etc/nginx=DIR`) pointing at a checkout of the deployed tree, or lint from the directory the config is deployed from.',
      apache: 'Lint with `--root DIR` pointing at a checkout of the deployed tree; use IncludeOptional for optional files.',
      default: 'Lint with the included files present (`--root DIR`).'
    },
    docs: docsPath(id)
  },
  check: (tree) => tree.problems
    .filter((p) => p.kind === 'include-missing')
    .map((p) => ({
      where: p,
      message: p.message,
      severity: p.elsewhere === true ? 'info' as const : 'warning' as const,
      messageId: p.elsewhere === true ? 'elsewhere' : 'missing',
      onceKey: p.target ?? p.message
    }))
}
