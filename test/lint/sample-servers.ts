// Which real server runs a sample, and how to start it: nginx and apache2 through
// test/helpers/real-servers.ts, HAProxy, Caddy and Varnish through test/helpers/more-layers.ts.
import { hasLayer, startLayer, type LayerServerName } from '../helpers/more-layers.js'
import { hasApache, hasNginx, startApache, startNginx, type StartOptions } from '../helpers/real-servers.js'
import type { Manifest } from './samples.js'

export type SampleServer = Manifest['server']

const LAYERS: Partial<Record<SampleServer, LayerServerName>> = { haproxy: 'haproxy', caddy: 'caddy', varnish: 'varnish' }

export function hasSampleServer (server: SampleServer): boolean {
  if (server === 'nginx') return hasNginx()
  if (server === 'apache') return hasApache()
  const layer = LAYERS[server]
  return layer !== undefined && hasLayer(layer)
}

/** Starts `server` from the sample's config text; resolves to its base URL. */
export async function startSampleServer (server: SampleServer, config: string, opts: StartOptions): Promise<{ url: string }> {
  if (server === 'nginx') return await startNginx(config, opts)
  if (server === 'apache') return await startApache(config, opts)
  const layer = LAYERS[server]
  if (layer === undefined) throw new Error(`no starter for ${server}`)
  const upstreamPort = Number(new URL(opts.upstream ?? '').port)
  return await startLayer(layer, { upstreamPort, config, ...(opts.t ? { t: opts.t } : {}) })
}
