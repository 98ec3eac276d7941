// Wire one `hopwatch serve`: fingerprint key, store, auditor, traffic and admin listeners.
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { credentialHeaderSet } from '../capture/credential-names.js'
import { createHasher, fingerprintKeyId } from '../capture/fingerprint.js'
import { ExchangeStore } from '../store/store.js'
import { Auditor } from '../audit/audit.js'
import { createTrafficApp } from './traffic.js'
import { createAdminApp } from './admin.js'
import { buildReport } from '../report/model.js'
import { createDiagnoser } from '../diagnose/index.js'
import { createCanaryTap } from '../probe/tap.js'
import { createLogger } from './logger.js'
import { createMetrics, type Metrics } from '../audit/metrics.js'
import { upstreamReachable } from './ready.js'
import { createEdgeTap } from './edge.js'
import { isLoopback } from '../config/config.js'

export interface RunningServer {
  trafficUrl: string
  adminUrl: string
  /** The edge tap's listener, when --edge-listen is set. */
  edgeUrl: string | null
  store: ExchangeStore
  auditor: Auditor
  metrics: Metrics
  logger: Logger
  /** Stop accepting, let in-flight exchanges finish within graceMs (default --shutdown-grace). */
  close: (graceMs?: number) => Promise<void>
  /** Cut every remaining connection now (a second signal during shutdown). */
  forceClose: () => void
}

export interface ServerOptions {
  /** Where log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream
}

function urlOf (app: FastifyInstance, scheme = 'http'): string {
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `${scheme}://${host}:${address.port}`
}

/**
 * Exchanges are audited in batches of up to 32 (a full one once the event loop's turn is over),
 * at most 20 ms after the first ended (src/audit/audit.ts). Measured on the cardinality mix (interleaved rounds, same run): 32 gave
 * the most req/s and the lowest p99; 64 and 256 kept the event loop busy longer per batch
 * (p99 up to 1.3x bare's), 16 gave back part of the gain.
 */
const AUDIT_BATCH = { size: 32, ms: 20 }

export async function startServer (config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination)
  const store = new ExchangeStore(config.maxExchanges)
  let closing = false
  const cutConnections = (): void => {
    logger.warn('closing the remaining connections (grace period over or shutdown forced)')
    traffic.server.closeAllConnections()
    admin.server.closeAllConnections()
    edge?.app.server.closeAllConnections()
  }
  const credentialNames = credentialHeaderSet(config.credentialHeaders)
  const diagnoser = createDiagnoser({
    expectIssuers: config.expectIssuers,
    expectAudiences: config.expectAudiences,
    credentialHeaders: config.credentialHeaders,
    log: { warn: (obj, msg) => logger.warn(obj, msg) }
  })
  const metrics = createMetrics({ credentialHeaders: config.credentialHeaders })
  const hash = createHasher(config.fingerprintKey)
  const keyId = fingerprintKeyId(hash)
  const edgeConfig = config.edge
  const edge = edgeConfig === null ? null : await createEdgeTap({
      config: { ...config, edge: edgeConfig },
      credentialNames,
      hash,
      logger,
      onFindings: (findings, exchange) => { diagnoser.record(findings, exchange); metrics.countFindings(findings) }
    })
  // --upstream-insecure: every exchange's log line and the report say the upstream was not verified.
  const upstreamTls = config.upstream.protocol !== 'https:' ? 'plain' : config.upstreamInsecure ? 'unverified' : 'verified'
  const auditor = new Auditor({
    credentialNames,
    hash,
    store,
    logger: upstreamTls === 'unverified' ? logger.child({ upstreamTls }) : logger,
    diagnoser,
    observers: edge === null ? [metrics] : [metrics, edge.originObserver],
    batch: AUDIT_BATCH
  })
  metrics.watchAudit(auditor)
  const tap = config.probeSecret === null ? null : createCanaryTap({ secret: config.probeSecret, credentialHeaders: credentialNames })
  const traffic = await createTrafficApp({
    config,
    auditor,
    ...(tap === null ? {} : { answer: tap }),
    ...(edge === null ? {} : { pair: edge.originHooks }),
    tls: config.tls
  })
  const report = (): ReturnType<typeof buildReport> => ({ ...buildReport(store, diagnoser.snapshot(), auditor, edge?.report() ?? null, keyId), upstreamTls })
  const admin = await createAdminApp({
    store,
    token: config.adminToken,
    adminHost: config.admin.host,
    report,
    findingsOf: (id) => diagnoser.findingsOf(id),
    settle: () => { auditor.flush() },
    extend: (app) => {
      app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()))
      app.get('/readyz', async (_request, reply) => {
        const listening = traffic.server.listening && !closing
        const upstream = await upstreamReachable(config.upstream)
        return reply.code(listening && upstream ? 200 : 503)
          .send({ status: listening && upstream ? 'ready' : 'not ready', upstream: upstream ? 'reachable' : 'unreachable', traffic: listening ? 'listening' : 'closed' })
      })
    }
  })
  const apps = edge === null ? [traffic, admin] : [traffic, admin, edge.app]
  try {
    await traffic.listen({ host: config.listen.host, port: config.listen.port })
    await admin.listen({ host: config.admin.host, port: config.admin.port })
    if (edge !== null && edgeConfig !== null) await edge.app.listen({ host: edgeConfig.listen.host, port: edgeConfig.listen.port })
  } catch (err) {
    await Promise.allSettled(apps.map((app) => app.close()))
    throw err
  }
  if (!isLoopback(config.admin.host) && config.adminToken === null) {
    logger.warn({ admin: config.admin.host }, 'the admin listener is open to the network without a token (--admin-insecure): anyone who can reach it reads the report')
  }
  if (config.upstreamInsecure) {
    logger.warn({ upstream: config.upstream.origin }, "--upstream-insecure: the upstream's TLS certificate is not verified, so clients' credentials go to whoever answers at that address; every exchange is marked upstreamTls: unverified")
  }
  const trafficUrl = urlOf(traffic, config.tls === null ? 'http' : 'https')
  const adminUrl = urlOf(admin)
  const edgeUrl = edge === null ? null : urlOf(edge.app)
  logger.info({ traffic: trafficUrl, admin: adminUrl, upstream: config.upstream.origin, ...(edgeUrl === null ? {} : { edge: edgeUrl, edgeUpstream: config.edge?.upstream.origin }) }, 'hopwatch listening')
  logger.flush()
  return {
    trafficUrl,
    adminUrl,
    edgeUrl,
    store,
    auditor,
    metrics,
    logger,
    forceClose: cutConnections,
    close: async (graceMs = config.shutdownGraceMs) => {
      if (closing) return
      closing = true
      // Stop accepting; in-flight exchanges (streams included) get graceMs to finish.
      const force = setTimeout(cutConnections, graceMs)
      // server.close() closes idle keep-alive connections once; a connection whose exchange
      // finishes later turns idle and would wait for its keep-alive timeout: close those too.
      const sweep = setInterval(() => { for (const app of apps) app.server.closeIdleConnections() }, 100)
      await Promise.allSettled(apps.map((app) => app.close()))
      clearTimeout(force)
      clearInterval(sweep)
      // The exchanges that ended last, audited before their log lines are flushed.
      auditor.flush()
      logger.flush?.()
    }
  }
}
