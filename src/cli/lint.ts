// `hopwatch lint PATH...`: checks NGINX, Apache, HAProxy, Caddy and VCL configs for directives that lose credentials.
import { statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Severity } from '../rules/meta.js'
import { atOrAbove, lintPaths } from '../lint/engine.js'
import { formatJson } from '../lint/format/json.js'
import { formatSarif } from '../lint/format/sarif.js'
import { formatText } from '../lint/format/text.js'
import { LINT_RULES } from '../lint/rules/index.js'
import type { RootMap } from '../lint/load.js'
import type { LintFinding } from '../lint/types.js'
import { refusedReason } from '../lint/read-file.js'
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './io.js'

const FORMATS = ['text', 'json', 'sarif'] as const
type Format = typeof FORMATS[number]
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']
const DEFAULTS = { format: 'text' as Format, severity: 'warning' as Severity }

export const LINT_HELP = `Usage: hopwatch lint PATH... [options]

Checks NGINX and Apache httpd configs for directives that drop, replace or leak credentials
(Authorization, Cookie, API keys, WWW-Authenticate). PATH may be a file or a folder; the dialect
is detected from the content and include / Include / IncludeOptional are followed. Kubernetes
Ingress manifests for ingress-nginx (.yaml) are read too: auth annotations and snippets.
HAProxy (haproxy.cfg, *.cfg), Caddyfiles (Caddyfile, *.caddy) and Varnish VCL (*.vcl) are
checked for the lines that remove or replace credential headers and for tune.bufsize
(Caddy import <file> and VCL include are followed).

Options:
  --format text|json|sarif     output format (default: ${DEFAULTS.format})
  --severity error|warning|info
                               report findings at or above this severity and exit 1 if there
                               are any (default: ${DEFAULTS.severity})
  --credential-header NAME     also treat NAME as a credential header (repeatable)
  --root DIR | FROM=DIR        read absolute include paths from a checked-out tree: DIR alone
                               maps /x onto DIR/x, FROM=DIR maps FROM/x onto DIR/x (repeatable;
                               --prefix is the same option)
  --help                       show this help

Exit codes: 0 no findings at or above --severity, 1 findings, 2 usage error or unreadable file.
`

function usage (io: CliIO, sentence: string): number {
  io.stderr(`hopwatch lint: ${sentence}\n`)
  return EXIT_USAGE
}

function isFormat (value: string): value is Format { return (FORMATS as readonly string[]).includes(value) }
function isSeverity (value: string): value is Severity { return (SEVERITIES as readonly string[]).includes(value) }

/** --root values: `DIR` (absolute paths map under DIR) or `FROM=DIR`; a sentence when one is wrong. */
function parseRoots (values: readonly string[]): RootMap[] | string {
  const out: RootMap[] = []
  for (const value of values) {
    const eq = value.indexOf('=')
    const from = eq > 0 ? value.slice(0, eq) : '/'
    const to = resolve(eq > 0 ? value.slice(eq + 1) : value)
    if (!isAbsolute(from)) return `--root ${value}: the part before "=" must be an absolute path such as /etc/nginx.`
    let dir = false
    try { dir = statSync(to).isDirectory() } catch { dir = false }
    if (!dir) return `--root ${value}: ${to} is not a directory; pass the folder holding the checked-out tree.`
    out.push({ from, to })
  }
  return out
}

function missingSummary (missing: { includes: number, targets: number }): string | undefined {
  if (missing.includes === 0) return undefined
  return `${missing.includes} include${missing.includes === 1 ? '' : 's'} not found (${missing.targets} distinct target${missing.targets === 1 ? '' : 's'}, each reported once); rules could not see their content: pass --root DIR to map absolute include paths onto a checked-out tree`
}

export const lint: Command = async (argv, io) => {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        severity: { type: 'string' },
        'credential-header': { type: 'string', multiple: true },
        root: { type: 'string', multiple: true },
        prefix: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    // node:util's message is several sentences; keep the first ("Unknown option '--x'").
    const reason = err instanceof Error ? (err.message.split(/\.\s|\n/)[0] ?? '') : 'invalid arguments'
    return usage(io, `${reason.replace(/\.$/, '')}; run "hopwatch lint --help" for the options.`)
  }
  const { values, positionals } = parsed
  if (values.help === true) { io.stdout(LINT_HELP); return EXIT_OK }
  const format = values.format ?? DEFAULTS.format
  if (!isFormat(format)) return usage(io, `--format must be one of ${FORMATS.join(', ')}, not "${format}".`)
  const severity = values.severity ?? DEFAULTS.severity
  if (!isSeverity(severity)) return usage(io, `--severity must be one of ${SEVERITIES.join(', ')}, not "${severity}".`)
  const extra = values['credential-header'] ?? []
  const badName = extra.find((n) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n))
  if (badName !== undefined) return usage(io, 'a --credential-header name must be a header name (letters, digits, "-", "_"), without a value.')
  if (positionals.length === 0) return usage(io, 'no config given; pass one or more files or folders, e.g. "hopwatch lint /etc/nginx".')

  // Devices, FIFOs and sockets are refused before anything is read (`/dev/zero` never ends).
  for (const path of positionals) {
    const reason = refusedReason(path)
    if (reason !== null) return usage(io, `cannot lint ${path}: ${reason}.`)
  }
  const roots = parseRoots([...(values.root ?? []), ...(values.prefix ?? [])])
  if (typeof roots === 'string') return usage(io, roots)
  const result = lintPaths(positionals, { credentialHeaders: extra, roots })
  if (result.unreadable.length > 0) {
    const refused = result.unreadable.find((path) => refusedReason(path) !== null)
    if (refused !== undefined) return usage(io, `cannot lint ${refused}: ${refusedReason(refused) ?? ''}.`)
    return usage(io, `cannot read ${result.unreadable.join(', ')}; check the path exists and is readable.`)
  }
  const shown: LintFinding[] = result.findings.filter((f) => atOrAbove(f.severity, severity))
  const render: Record<Format, () => string> = {
    text: () => formatText(shown, result.files, missingSummary(result.missingIncludes)),
    json: () => formatJson(shown, result.files, result.missingIncludes),
    sarif: () => formatSarif(shown, LINT_RULES, process.cwd())
  }
  io.stdout(render[format]())
  return shown.length > 0 ? EXIT_FINDINGS : EXIT_OK
}
