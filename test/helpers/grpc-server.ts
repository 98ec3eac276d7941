// A real gRPC server (@grpc/grpc-js) on 127.0.0.1 port 0, insecure (h2c) or TLS, serving
// hopwatch.test.Orders (test/helpers/grpc/orders.proto). Every method answers UNAUTHENTICATED
// when the call carries no `authorization` metadata, as an auth interceptor in a real service
// does. Each call's metadata names are recorded, and whether its authorization equals the token
// the test expects: compared here, never printed.
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Pem } from './tls-certs.js'

/** The proto next to this file, from the sources or from dist/ (the bench runs built). */
export function protoPath (): string {
  const here = fileURLToPath(new URL('./grpc/orders.proto', import.meta.url))
  if (existsSync(here)) return here
  return fileURLToPath(new URL('../../../test/helpers/grpc/orders.proto', import.meta.url))
}

export interface OrderRequest { id: string; count: number }
export interface Order { id: string; seq: number }

export interface OrdersClient extends grpc.Client {
  Get: (request: OrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, order?: Order) => void) => grpc.ClientUnaryCall
  Watch: (request: OrderRequest, metadata: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientReadableStream<Order>
  Chat: (metadata: grpc.Metadata, options?: grpc.CallOptions) => grpc.ClientDuplexStream<Order, Order>
}

type OrdersClientClass = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => OrdersClient

interface Loaded {
  service: grpc.ServiceDefinition
  Client: OrdersClientClass
}

export function loadOrders (): Loaded {
  const definition = protoLoader.loadSync(protoPath(), { keepCase: true, defaults: true })
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { hopwatch: { test: { Orders: OrdersClientClass & { service: grpc.ServiceDefinition } } } }
  const Orders = pkg.hopwatch.test.Orders
  return { service: Orders.service, Client: Orders }
}

export interface CallSeen {
  method: string
  /** Metadata keys as they reached the server (lower case, `-bin` keys included). */
  keys: string[]
  /** The authorization metadata was exactly the expected token. */
  tokenMatched: boolean
  authorized: boolean
}

export interface GrpcServer {
  /** host:port for a grpc-js client. */
  address: string
  port: number
  calls: CallSeen[]
  close: () => Promise<void>
}

export interface GrpcServerOptions {
  /** The token calls must carry to be matched (`Bearer ...`); any authorization passes. */
  token: string
  tls?: Pem
}

function seenCall (calls: CallSeen[], method: string, metadata: grpc.Metadata, token: string): CallSeen {
  const auth = metadata.get('authorization')
  const seen: CallSeen = { method, keys: Object.keys(metadata.getMap()), tokenMatched: auth.length === 1 && auth[0] === token, authorized: auth.length > 0 }
  calls.push(seen)
  return seen
}

const UNAUTHENTICATED = { code: grpc.status.UNAUTHENTICATED, details: 'missing authorization metadata' }

export async function startGrpcServer (options: GrpcServerOptions): Promise<GrpcServer> {
  const { service } = loadOrders()
  const calls: CallSeen[] = []
  const server = new grpc.Server()
  server.addService(service, {
    Get: (call: grpc.ServerUnaryCall<OrderRequest, Order>, callback: grpc.sendUnaryData<Order>) => {
      if (!seenCall(calls, 'Get', call.metadata, options.token).authorized) { callback(UNAUTHENTICATED); return }
      callback(null, { id: call.request.id, seq: 1 })
    },
    Watch: (call: grpc.ServerWritableStream<OrderRequest, Order>) => {
      if (!seenCall(calls, 'Watch', call.metadata, options.token).authorized) { call.emit('error', UNAUTHENTICATED); return }
      const count = Math.min(Math.max(call.request.count, 0), 1000)
      for (let seq = 1; seq <= count; seq++) call.write({ id: call.request.id, seq })
      call.end()
    },
    Chat: (call: grpc.ServerDuplexStream<Order, Order>) => {
      if (!seenCall(calls, 'Chat', call.metadata, options.token).authorized) { call.emit('error', UNAUTHENTICATED); return }
      call.on('data', (order: Order) => { call.write({ id: order.id, seq: order.seq + 1 }) })
      call.on('end', () => { call.end() })
    }
  })
  const credentials = options.tls === undefined
    ? grpc.ServerCredentials.createInsecure()
    : grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }], false)
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (err, bound) => { if (err !== null) reject(err); else resolve(bound) })
  })
  return {
    address: `127.0.0.1:${port}`,
    port,
    calls,
    close: async () => {
      await new Promise<void>((resolve) => {
        // Bounded: calls still open after a second are cut.
        const force = setTimeout(() => { server.forceShutdown(); resolve() }, 1000)
        server.tryShutdown(() => { clearTimeout(force); resolve() })
      })
    }
  }
}
