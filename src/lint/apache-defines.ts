// Apache conditional sections that do not apply must be invisible to the rules:
// - `<IfModule mod_x.c>` / `<IfModule x_module>` (and `!`), evaluated only when the tree loads
//   modules itself (a full config: LoadModule lines); in a snippet every module counts as loaded.
// - `<IfDefine NAME>` (and `!`), against `Define` directives that are themselves active
//   (hopwatch sees no -D flags). Debian ships `ScriptAlias /cgi-bin/` inside
//   `<IfDefine ENABLE_USR_LIB_CGI_BIN>`, defined only when mod_cgi or mod_cgid is loaded.
import { walk } from './tree.js'
import type { ConfNode } from './types.js'

/** Compiled into Debian's apache2 (`apache2 -l`) and into most httpd builds. */
const BUILT_IN = ['core.c', 'mod_so.c', 'http_core.c', 'mod_log_config.c', 'mod_logio.c', 'mod_version.c', 'mod_unixd.c', 'mod_watchdog.c']

function prune (root: ConfNode, key: string, active: (arg: string) => boolean): number {
  let pruned = 0
  for (const node of [...walk(root)]) {
    if (node.key !== key || !node.children) continue
    const arg = node.args[0] ?? ''
    const negated = arg.startsWith('!')
    if (active(negated ? arg.slice(1) : arg) === negated) { node.children = []; pruned++ }
  }
  return pruned
}

export function pruneInactiveSections (root: ConfNode): number {
  let pruned = 0
  const loads = [...walk(root)].filter((n) => n.key === 'loadmodule')
  if (loads.length > 0) {
    const loaded = new Set(BUILT_IN)
    for (const load of loads) {
      if (load.args[0]) loaded.add(load.args[0].toLowerCase())
      const file = /mod_([A-Za-z0-9_]+)\.so$/.exec(load.args[1] ?? '')?.[1]
      if (file) loaded.add(`mod_${file.toLowerCase()}.c`)
    }
    pruned += prune(root, 'ifmodule', (name) => loaded.has(name.toLowerCase()))
  }
  const defined = new Set<string>()
  for (const node of walk(root)) if (node.key === 'define' && node.args[0] !== undefined) defined.add(node.args[0])
  pruned += prune(root, 'ifdefine', (name) => defined.has(name))
  return pruned
}
