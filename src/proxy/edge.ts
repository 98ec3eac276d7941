// Edge + origin taps in one process: the edge listener stands in front of the outer layers and
// stamps what it forwards; the origin listener (the sidecar's own) reads and removes the stamp;
// after both responses the pairing gives every credential a definitive verdict across the layers
// between them (findings with confidence `certain`).
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import type { Hasher } from '../capture/fingerprint.js'
import type { Exchange } from '../capture/types.js'
import type { Finding } from '../diagnose/types.js'
import { observationOf } from '../pairing/observation.js'
import { createPairing, type Pairing, type PairingCounts } from '../pairing/pairing.js'
import { ExchangeStore } from '../store/store.js'
import { Auditor, type ExchangeObserver } from '../audit/audit.js'
import { createTrafficApp, type PairHooks } from './traffic.js'

export interface EdgeTap {
  app: FastifyInstance
  store: ExchangeStore
  /** Hooks for the origin listener: read the stamp, remove it before the app. */
  originHooks: PairHooks
  /** Observer for the origin auditor: completes pairs. */
  originObserver: ExchangeObserver
  report: () => PairingCounts & { edgeExchanges: number }
}

export interface EdgeOptions {
  config: Config & { edge: NonNullable<Config['edge']> }
  credentialNames: Set<string>
  /** The same hasher as the origin's, so fingerprints at both taps compare equal. */
  hash: Hasher
  logger: Logger
  /** Where the pairing's findings go (grouped in the report, counted in the metrics). */
  onFindings: (findings: Finding[], exchange: Exchange) => void
}

function pairObserver (pairing: Pairing, side: 'edge' | 'origin', onFindings: EdgeOptions['onFindings']): ExchangeObserver {
  return {
    observe: (exchange: Exchange) => {
      const result = pairing.observe(side, exchange.pairId ?? null, observationOf(exchange))
      if (result !== null && result.findings.length > 0) onFindings(result.findings, exchange)
    }
  }
}

export async function createEdgeTap (options: EdgeOptions): Promise<EdgeTap> {
  const { config, onFindings } = options
  const pairing = createPairing()
  const store = new ExchangeStore(config.maxExchanges)
  const auditor = new Auditor({
    credentialNames: options.credentialNames,
    hash: options.hash,
    store,
    logger: options.logger.child({ tap: 'edge' }),
    observers: [pairObserver(pairing, 'edge', onFindings)]
  })
  const app = await createTrafficApp({
    config,
    auditor,
    upstream: config.edge.upstream,
    pair: { stamp: () => pairing.stamp() }
  })
  return {
    app,
    store,
    originHooks: { read: (raw) => pairing.read(raw) },
    originObserver: pairObserver(pairing, 'origin', onFindings),
    report: () => ({ ...pairing.counts(), edgeExchanges: store.total })
  }
}
