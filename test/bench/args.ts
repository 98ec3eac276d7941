// Flags of `npm run bench -- [flags]`.

export interface BenchOptions {
  quick: boolean
  /** Interleaved rounds of the fixed mix (and of --grpc and --h2). */
  rounds: number
  /**
   * Interleaved rounds of the cardinality mix. More than the fixed mix's: with 20,000 users
   * drawn at random its rounds swing further (single rounds 0.6x-1.4x of bare here), and five
   * of them left the ratio of the medians to chance.
   */
  roundsUsers: number
  seconds: number
  /** Seconds of load per target before the rounds, so JIT and heap reach their steady state. */
  warmup: number
  connections: number
  threads: number
  /** Timed mixes, in order: 'users' (the cardinality mix, the headline) and 'bench' (the fixed mix). */
  mixes: Array<'users' | 'bench'>
  /** Synthetic users in the cardinality mix, each with their own JWT, cookie and API key. */
  users: number
  /** Requests in the counted run of the cardinality mix through a fresh hopwatch (target: 1,000,000). */
  count: number
  /** Requests in the counted run of the fixed mix (target: 200,000); 0 skips it. */
  countFixed: number
  soak: boolean
  soakTotal: number
  soakConnections: number
  big: boolean
  bigBytes: number
  profile: boolean
  mitm: boolean
  /** A timed run during which other processes used more than this % of the machine is repeated (twice at most). */
  maxForeignPct: number
  /** Extra node/V8 flags for every hopwatch the bench starts (bare keeps node's defaults). */
  hopwatchNodeArgs: string[]
  /** Only the gRPC unary row (test/bench/grpc.ts): grpc-js direct vs through hopwatch; no wrk needed. */
  grpc: boolean
  /** Only the HTTP/2 row (h2load, h2c): hopwatch vs bare fastify http2 + @fastify/http-proxy. */
  h2: boolean
  help: boolean
}

export const USAGE = `Usage: npm run bench -- [flags]

Loopback benchmark of hopwatch serve against bare @fastify/http-proxy, direct-to-upstream and
(when mitmdump is installed) mitmproxy's reverse mode. Needs wrk (apt-get install wrk).

  --quick           smoke check: 1 round of 3 s, 20,000 counted requests per mix (soak 100,000, big 64 MiB)
  --rounds N        interleaved rounds of every mix (default: 15 for the cardinality mix,
                    whose rounds vary more, and 5 for the fixed mix, --grpc and --h2)
  --seconds S       seconds per target per round (default 10)
  --warmup S        seconds of load per target before the rounds (default 3). A Node proxy's
                    p99 is 3-6x its steady value in its first 10 s of load; --warmup 10 makes
                    the first round a steady one (it did not change the ratios, see README)
  --connections C   wrk connections in the rounds (default 32)
  --threads T       wrk threads (default 1: the machine's cores go to the processes measured)
  --mix M           timed mixes: users (the cardinality mix: every user their own JWT, session
                    cookie and API key, random ids in paths), fixed (ten requests cycled), or
                    both (default; users first, it gives the headline figures)
  --users N         synthetic users in the cardinality mix (default 20000)
  --count N         requests in the counted run of the cardinality mix through a fresh
                    hopwatch, RSS after every 100k (default 1000000)
  --count-fixed N   requests in the counted run of the fixed mix (default 200000; 0 skips it)
  --soak            also 1,000,000 requests at 64 connections with every shape and status
  --soak-total N    requests in the soak (default 1000000)
  --big             also a 1 GiB upload and a 1 GiB download through hopwatch
  --big-mib N       size of each big transfer in MiB (default 1024)
  --profile         also CPU-profile hopwatch and bare under load (node --cpu-prof), top frames
  --no-mitm         leave mitmproxy out even if installed
  --max-other P     repeat a timed run (twice at most) when other processes used more than
                    P% of the machine during it (default 15; 100 turns it off)
  --node-flag F     give hopwatch (not bare) this node/V8 flag, e.g. --node-flag=--single-threaded-gc;
                    repeatable
  --grpc            only the gRPC unary row: a grpc-js client direct vs through hopwatch (h2c in,
                    --upstream-protocol h2c out), --rounds rounds of --seconds s, 32 calls in flight
  --h2              only the HTTP/2 row instead: h2c to hopwatch vs bare fastify (http2: true) +
                    @fastify/http-proxy, --rounds interleaved rounds of 200,000 requests
                    (--quick: 20,000) with h2load (apt-get install nghttp2-client)
  --help            this text
`

function intFlag (name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value)
  if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} needs a whole number from ${min} to ${max}`)
  }
  return n
}

function nodeFlag (value: string | undefined): string {
  if (value === undefined || !/^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(value)) throw new Error('--node-flag needs a flag such as --single-threaded-gc')
  return value
}

export function parseArgs (argv: string[]): BenchOptions {
  const o: BenchOptions = {
    quick: false, rounds: 5, roundsUsers: 15, seconds: 10, warmup: 3, connections: 32, threads: 1, mixes: ['users', 'bench'], users: 20_000, count: 1_000_000, countFixed: 200_000,
    soak: false, soakTotal: 1_000_000, soakConnections: 64, big: false, bigBytes: 1024 * 1024 * 1024,
    profile: false, mitm: true, maxForeignPct: 15, hopwatchNodeArgs: [], grpc: false, h2: false, help: false
  }
  const set = { rounds: false, seconds: false, count: false, countFixed: false, soakTotal: false, big: false }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const next = (): string | undefined => argv[++i]
    switch (flag) {
      case '--quick': o.quick = true; break
      case '--rounds': o.rounds = intFlag(flag, next(), 1, 50); o.roundsUsers = o.rounds; set.rounds = true; break
      case '--seconds': o.seconds = intFlag(flag, next(), 1, 120); set.seconds = true; break
      case '--warmup': o.warmup = intFlag(flag, next(), 0, 120); break
      case '--connections': o.connections = intFlag(flag, next(), 1, 1024); break
      case '--threads': o.threads = intFlag(flag, next(), 1, 64); break
      case '--count': o.count = intFlag(flag, next(), 1000, 10_000_000); set.count = true; break
      case '--count-fixed': { const n = intFlag(flag, next(), 0, 10_000_000); if (n > 0 && n < 1000) throw new Error('--count-fixed needs 0 or a whole number from 1000 to 10000000'); o.countFixed = n; set.countFixed = true; break }
      case '--users': o.users = intFlag(flag, next(), 1, 1_000_000); break
      case '--mix': {
        const m = next()
        if (m === 'users') o.mixes = ['users']
        else if (m === 'fixed') o.mixes = ['bench']
        else if (m === 'both') o.mixes = ['users', 'bench']
        else throw new Error('--mix needs users, fixed or both')
        break
      }
      case '--soak': o.soak = true; break
      case '--soak-total': o.soakTotal = intFlag(flag, next(), 1000, 10_000_000); set.soakTotal = true; break
      case '--big': o.big = true; break
      case '--big-mib': o.bigBytes = intFlag(flag, next(), 1, 8192) * 1024 * 1024; set.big = true; break
      case '--profile': o.profile = true; break
      case '--no-mitm': o.mitm = false; break
      case '--max-other': o.maxForeignPct = intFlag(flag, next(), 0, 100); break
      case '--help': case '-h': o.help = true; break
      case '--grpc': o.grpc = true; break
      case '--h2': o.h2 = true; break
      case '--node-flag': o.hopwatchNodeArgs.push(nodeFlag(next())); break
      default:
        if (flag.startsWith('--node-flag=')) { o.hopwatchNodeArgs.push(nodeFlag(flag.slice('--node-flag='.length))); break }
        throw new Error(`unknown flag ${flag}`)
    }
  }
  if (o.quick) {
    if (!set.rounds) { o.rounds = 1; o.roundsUsers = 1 }
    if (!set.seconds) o.seconds = 3
    if (!set.count) o.count = 20_000
    if (!set.countFixed) o.countFixed = 20_000
    if (!set.soakTotal) o.soakTotal = 100_000
    if (!set.big) o.bigBytes = 64 * 1024 * 1024
  }
  return o
}
