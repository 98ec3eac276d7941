// Fold paths into routes so ids, uuids and tokens in paths don't explode the route count.

const NUMERIC = /^\d+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const HEX = /^[0-9a-f]{12,}$/i
const MIXED_LONG = /^(?=.*\d)[A-Za-z0-9_.~%=-]{20,}$/
const EMAIL = /^[^@/]+@[^@/]+$/
const MAX_SEGMENTS = 12
const MAX_SEGMENT = 64

/** `/users/42/orders/9f1c...` -> `/users/:id/orders/:id`. */
export function routeOf (path: string): string {
  const segments = path.split('/')
  const out: string[] = []
  for (let i = 0; i < segments.length && i <= MAX_SEGMENTS; i++) {
    const seg = segments[i] as string
    if (seg === '') { out.push(''); continue }
    if (NUMERIC.test(seg) || UUID.test(seg) || HEX.test(seg) || MIXED_LONG.test(seg) || EMAIL.test(seg)) out.push(':id')
    else out.push(seg.length > MAX_SEGMENT ? ':long' : seg)
  }
  if (segments.length > MAX_SEGMENTS + 1) out.push('…')
  const route = out.join('/')
  return route === '' ? '/' : route
}
