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
import { createLogger } from './logger.js'

export interface RunningServer {
  trafficUrl: string
  adminUrl: string
  store: ExchangeStore
  auditor: Auditor
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
  const auditor = new Auditor({
    credentialNames: credentialHeaderSet(config.credentialHeaders),
    hash: createHasher(config.fingerprintKey),
    store,
    logger
  })
  const traffic = await createTrafficApp({ config, auditor })
  const admin = await createAdminApp({
    store,
    token: config.adminToken,
    report: () => buildReport(store, null, auditor.failures)
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
    logger,
    close: async () => {
      await Promise.allSettled([traffic.close(), admin.close()])
      logger.flush?.()
    }
  }
}
