// Wire one `hopwatch serve`: fingerprint key, store, auditor, traffic and admin listeners.
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { Config } from '../config/config.js'
import { credentialHeaderSet } from '../capture/credential-names.js'
import { createHasher } from '../capture/fingerprint.js'
import { ExchangeStore } from '../store/store.js'
import { Auditor } from './audit.js'
import { createTrafficApp } from './traffic.js'
import { createAdminApp } from './admin.js'
import { buildReport } from '../report/model.js'
import { renderReportHtml } from '../report/html.js'
import { createDiagnoser } from '../diagnose/index.js'
import { createCanaryTap } from '../probe/tap.js'
import { createLogger } from './logger.js'
import { createMetrics, type Metrics } from './metrics.js'

export interface RunningServer {
  trafficUrl: string
  adminUrl: string
  store: ExchangeStore
  auditor: Auditor
  metrics: Metrics
  logger: Logger
  close: () => Promise<void>
}

export interface ServerOptions {
  /** Where log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream
}

function urlOf (app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

export async function startServer (config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination)
  const store = new ExchangeStore(config.maxExchanges)
  const credentialNames = credentialHeaderSet(config.credentialHeaders)
  const diagnoser = createDiagnoser({
    expectIssuers: config.expectIssuers,
    expectAudiences: config.expectAudiences,
    credentialHeaders: config.credentialHeaders,
    log: { warn: (obj, msg) => logger.warn(obj, msg) }
  })
  const metrics = createMetrics({ credentialHeaders: config.credentialHeaders })
  const auditor = new Auditor({
    credentialNames,
    hash: createHasher(config.fingerprintKey),
    store,
    logger,
    diagnoser,
    observers: [metrics]
  })
  const tap = config.probeSecret === null ? null : createCanaryTap({ secret: config.probeSecret, credentialHeaders: credentialNames })
  const traffic = await createTrafficApp({
    config,
    auditor,
    ...(tap === null ? {} : { answer: (request) => tap(request.raw) })
  })
  const report = (): ReturnType<typeof buildReport> => buildReport(store, diagnoser.snapshot(), auditor.failures)
  const admin = await createAdminApp({
    store,
    token: config.adminToken,
    report,
    extend: (app) => {
      app.get('/report.html', async (_request, reply) => reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
        .header('x-content-type-options', 'nosniff')
        .send(renderReportHtml(report())))
      app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()))
    }
  })
  try {
    await traffic.listen({ host: config.listen.host, port: config.listen.port })
    await admin.listen({ host: config.admin.host, port: config.admin.port })
  } catch (err) {
    await Promise.allSettled([traffic.close(), admin.close()])
    throw err
  }
  const trafficUrl = urlOf(traffic)
  const adminUrl = urlOf(admin)
  logger.info({ traffic: trafficUrl, admin: adminUrl, upstream: config.upstream.origin }, 'hopwatch listening')
  return {
    trafficUrl,
    adminUrl,
    store,
    auditor,
    metrics,
    logger,
    close: async () => {
      await Promise.allSettled([traffic.close(), admin.close()])
      logger.flush?.()
    }
  }
}
