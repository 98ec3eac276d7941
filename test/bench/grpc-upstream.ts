// The gRPC bench's upstream, in its own process: a grpc-js server (test/helpers/grpc-server.ts)
// on 127.0.0.1 port 0 that reports its port over IPC and stops on SIGTERM.
import { startGrpcServer } from '../helpers/grpc-server.js'

const server = await startGrpcServer({ token: 'Bearer grpc-bench-token' })
process.send?.({ port: server.port })
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)) })
