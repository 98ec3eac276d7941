// The most likely fix for each kind of loss, per layer. A lookup table, not a switch: keys are
// `<verdict>` or `<verdict>:<how>`, refined by the shape id when the shape decides the cause.
import type { HeaderVerdict } from './verdict.js'

export type LayerKind = 'nginx' | 'apache' | 'unknown'

interface Fix { nginx: string, apache: string, any?: string }

const BY_SHAPE: Readonly<Record<string, Partial<Record<string, Fix>>>> = {
  'x-api-key-underscore': {
    dropped: {
      nginx: 'nginx drops header names with underscores: add `underscores_in_headers on;` to the server block, or send X-Api-Key.',
      apache: 'Apache 2.4 proxies underscore names, but nginx and many CDNs drop them: send X-Api-Key instead.'
    }
  },
  'access-token': {
    dropped: {
      nginx: 'nginx drops header names with underscores: add `underscores_in_headers on;` to the server block, or send Access-Token.',
      apache: 'Apache 2.4 proxies underscore names, but nginx and many CDNs drop them: send Access-Token instead.'
    }
  },
  'jwt-10k': {
    blocked: {
      nginx: 'Raise the header limit: `large_client_header_buffers 4 16k;` (default 4 8k), or send a shorter token.',
      apache: 'Raise the header limit: `LimitRequestFieldSize 16380` (default 8190), or send a shorter token.'
    }
  },
  'jwt-6k': {
    blocked: {
      nginx: 'Raise the header limit: `large_client_header_buffers 4 16k;`.',
      apache: 'Raise the header limit: `LimitRequestFieldSize 16380`.'
    }
  },
  duplicate: {
    'modified:joined': {
      nginx: 'Send a single Authorization line: this layer joins duplicates with a comma, which no scheme parses.',
      apache: 'Send a single Authorization line: Apache joins duplicate lines with ", ", which no scheme parses.'
    },
    blocked: {
      nginx: 'Send a single Authorization line: nginx answers 400 to a duplicate Authorization line.',
      apache: 'Send a single Authorization line: this layer refuses duplicates.'
    }
  },
  connection: {
    dropped: {
      nginx: 'Expected (RFC 9110 §7.6.1): a header nominated in Connection is hop-by-hop. Make the client stop listing Authorization in Connection.',
      apache: 'Expected (RFC 9110 §7.6.1): Apache removes headers nominated in Connection. Make the client stop listing Authorization in Connection.'
    }
  },
  'proxy-auth': {
    dropped: {
      nginx: 'Proxy-Authorization is meant for the first proxy; pass it on only if the app needs it: `proxy_set_header Proxy-Authorization $http_proxy_authorization;`.',
      apache: 'Apache consumes Proxy-Authorization when it authenticates the client itself; set `SetEnv Proxy-Chain-Auth On` to pass it on.'
    }
  }
}

const BY_VERDICT: Readonly<Record<string, Fix>> = {
  dropped: {
    nginx: 'Look for `proxy_set_header <Header> "";` or a `proxy_pass_request_headers off;` at this layer and remove it.',
    apache: 'Look for `RequestHeader unset <Header>` at this layer and remove it.'
  },
  'modified:replaced': {
    nginx: 'This layer sets its own value: look for `proxy_set_header <Header> ...;` and pass the client value (`$http_authorization`).',
    apache: 'This layer sets its own value: look for `RequestHeader set <Header> ...` and remove it.'
  },
  'modified:truncated': {
    nginx: 'The value is cut: check header buffer limits (`large_client_header_buffers`) and any `map`/regex that rebuilds it.',
    apache: 'The value is cut: check `LimitRequestFieldSize` and any `RequestHeader edit` at this layer.'
  },
  'modified:case': {
    nginx: 'A rewrite changes the scheme case: schemes are case-insensitive, but fix the app if it compares `Bearer` exactly.',
    apache: 'A rewrite changes the scheme case: schemes are case-insensitive, but fix the app if it compares `Bearer` exactly.'
  },
  renamed: {
    nginx: 'This layer moves the header to another name (AWS does this with X-Amzn-Remapped-Authorization): read it there or stop the remap.',
    apache: 'This layer moves the header to another name: read it there or stop the remap.'
  },
  blocked: {
    nginx: 'This layer answered the request itself: read its error log for the reason given in the detail.',
    apache: 'This layer answered the request itself: read its error log for the reason given in the detail.'
  },
  added: {
    nginx: 'A layer injects a credential the client did not send: look for `proxy_set_header` with a fixed value.',
    apache: 'A layer injects a credential the client did not send: look for `RequestHeader set <Header>` or `RequestHeader add <Header>`.'
  },
  unreached: {
    nginx: 'No tap behind this hop: run `hopwatch serve --probe-secret S` in front of the app, or drop this --hop.',
    apache: 'No tap behind this hop: run `hopwatch serve --probe-secret S` in front of the app, or drop this --hop.'
  }
}

/**
 * An added line, by what happened to the client's own lines of that name at the same hop:
 * kept intact beside it means a directive that adds (Apache `RequestHeader add`), replaced means
 * one that sets. The fix names the directive the evidence points to.
 */
const ADDED_BY_DIRECTIVE: Readonly<Record<'add' | 'set', Fix>> = {
  add: {
    nginx: 'A layer adds a second <Header> line next to the client\'s (both arrive): look for a directive or module that appends one instead of replacing it.',
    apache: 'A layer adds a second <Header> line next to the client\'s (both arrive): look for `RequestHeader add <Header> ...` and remove it.'
  },
  set: {
    nginx: 'A layer injects a credential the client did not send: look for `proxy_set_header <Header>` with a fixed value.',
    apache: 'A layer sets its own <Header> (the client\'s is replaced, and one is added where the client sent none): look for `RequestHeader set <Header> ...` and remove it.'
  }
}

/** `add` when the client's lines of this name arrived intact at this hop, `set` when they were replaced. */
export function addingDirective (v: HeaderVerdict, hop: readonly HeaderVerdict[]): 'add' | 'set' | null {
  const key = v.name.toLowerCase()
  const own = hop.filter((o) => o.verdict !== 'added' && o.name.toLowerCase() === key)
  if (own.some((o) => o.verdict === 'modified' && o.how === 'replaced')) return 'set'
  if (own.some((o) => o.verdict === 'intact')) return 'add'
  return null
}

const BLOCKED_401: Fix = {
  nginx: 'The layer authenticates by itself (`auth_basic`, `auth_request`): it answers before the app sees the credential.',
  apache: 'The layer authenticates by itself (`AuthType`, `Require`): it answers before the app sees the credential.'
}

export function layerKind (server: string | null): LayerKind {
  const s = (server ?? '').toLowerCase()
  if (s.includes('nginx') || s.includes('openresty')) return 'nginx'
  if (s.includes('apache')) return 'apache'
  return 'unknown'
}

/**
 * The most likely fix for a verdict at a layer, or null when nothing is wrong. `hop` is every
 * verdict of the same hop: an `added` line is told apart as `add` or `set` from it.
 */
export function fixFor (v: HeaderVerdict, layer: LayerKind, hop: readonly HeaderVerdict[] = []): string | null {
  if (v.verdict === 'intact') return null
  const key = v.how === null ? v.verdict : `${v.verdict}:${v.how}`
  const directive = v.verdict === 'added' ? addingDirective(v, hop) : null
  const fix = v.verdict === 'blocked' && (v.status === 401 || v.status === 407)
    ? BLOCKED_401
    : directive !== null
      ? ADDED_BY_DIRECTIVE[directive]
      : BY_SHAPE[v.shapeId]?.[key] ?? BY_SHAPE[v.shapeId]?.[v.verdict] ?? BY_VERDICT[key] ?? BY_VERDICT[v.verdict]
  if (fix === undefined) return null
  const text = layer === 'unknown' ? (fix.nginx === fix.apache ? fix.nginx : `nginx: ${fix.nginx} Apache: ${fix.apache}`) : fix[layer]
  return text.replaceAll('<Header>', v.name)
}
