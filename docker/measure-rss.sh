#!/usr/bin/env bash
# Measure what one hopwatch sidecar costs, to size the Kubernetes requests/limits.
# Loopback only; every process it starts is stopped by its own PID.
#   npm run build && bash docker/measure-rss.sh [DURATION_S] [CONNECTIONS] [RATE]
# Without RATE: wrk at full speed (Debian package `wrk`). With RATE: a paced Node client sends
# RATE requests per second for DURATION_S seconds (DURATION_S*RATE requests, bounded), like
# steady staging traffic. Prints RSS (VmRSS, VmHWM) and CPU seconds from /proc.
set -euo pipefail
DURATION="${1:-20}"
CONNS="${2:-64}"
RATE="${3:-}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CLI="$ROOT/dist/src/cli/main.js"
[ -f "$CLI" ] || { echo "run npm run build first" >&2; exit 2; }
[ -n "$RATE" ] || command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 2; }
TMP="$(mktemp -d)"
PIDS=()
cleanup () { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

pick_port () { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
UP_PORT="$(pick_port)"; TRAFFIC_PORT="$(pick_port)"; ADMIN_PORT="$(pick_port)"

# A small upstream: 200 with a short JSON body, 401 when no Authorization arrives.
node -e '
require("http").createServer((q,s)=>{q.resume();q.on("end",()=>{
  if(q.headers.authorization){s.writeHead(200,{"content-type":"application/json"});s.end("{\"ok\":true}")}
  else{s.writeHead(401,{"www-authenticate":"Bearer realm=\"m\""});s.end()}})}).listen(+process.argv[1],"127.0.0.1")
' "$UP_PORT" & PIDS+=($!)

TOKEN="$(node -e 'console.log(require("crypto").randomBytes(16).toString("hex"))')"
HOPWATCH_ADMIN_TOKEN="$TOKEN" node "$CLI" serve --upstream "http://127.0.0.1:$UP_PORT" \
  --listen "127.0.0.1:$TRAFFIC_PORT" --admin "127.0.0.1:$ADMIN_PORT" --log-level warn >"$TMP/serve.log" 2>&1 & HW=$!
PIDS+=($HW)
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$TRAFFIC_PORT/" -H 'authorization: Bearer warm' && break; sleep 0.1; done

field () { awk -v f="$1:" '$1==f {print $2}' "/proc/$HW/status"; }
cpu () { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$HW/stat"; }
echo "idle:  VmRSS $(field VmRSS) kB  VmHWM $(field VmHWM) kB"
JWT='eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiYXVkIjoiYXBpIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln'
CPU0="$(cpu)"
if [ -z "$RATE" ]; then
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "Authorization: Bearer $JWT" -H 'Cookie: session=abc; theme=dark' \
    "http://127.0.0.1:$TRAFFIC_PORT/api/orders/1042" >"$TMP/wrk.txt"
  REQS="$(awk '/requests in/ {print $1}' "$TMP/wrk.txt")"
  grep -E 'Requests/sec|requests in|99%|Non-2xx|Socket errors' "$TMP/wrk.txt" || true
else
  REQS="$(node -e '
    const http = require("http"); const [port, rate, secs, conns, jwt] = process.argv.slice(1).map((v, i) => i < 4 ? +v : v)
    const agent = new http.Agent({ keepAlive: true, maxSockets: conns }); const total = rate * secs; let sent = 0, done = 0, bad = 0
    const one = () => http.get({ port, host: "127.0.0.1", path: "/api/orders/1042", agent, headers: { authorization: "Bearer " + jwt, cookie: "session=abc; theme=dark" } },
      (r) => { r.resume(); r.on("end", () => { if (r.statusCode !== 200) bad++; if (++done === total) { console.error("paced: " + total + " requests at " + rate + "/s, non-200: " + bad); console.log(total); agent.destroy() } }) })
    const timer = setInterval(() => { for (let i = 0; i < rate / 100 && sent < total; i++, sent++) one(); if (sent >= total) clearInterval(timer) }, 10)
  ' "$TRAFFIC_PORT" "$RATE" "$DURATION" "$CONNS" "$JWT")"
fi
CPU1="$(cpu)"
echo "after: VmRSS $(field VmRSS) kB  VmHWM $(field VmHWM) kB  (${REQS} requests, ${CONNS} connections, ${DURATION} s)"
echo "cpu:   $(node -e "console.log((($CPU1-$CPU0)).toFixed(2)+' s for '+$REQS+' requests = '+(($CPU1-$CPU0)/$REQS*1e6).toFixed(1)+' us/request')")"
STORED="$(curl -sf -H "authorization: Bearer $TOKEN" "http://127.0.0.1:$ADMIN_PORT/report" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const r=JSON.parse(s);console.log(r.totals.exchanges)})')"
echo "exchanges counted by hopwatch: $STORED"
# The exec probe runs inside the same container: measure one `hopwatch health --ready`.
if node "$CLI" --help | grep -q '^  health'; then
  /usr/bin/time -f 'health --ready: max RSS %M kB, %e s wall' env HOPWATCH_ADMIN_TOKEN="$TOKEN" \
    node "$CLI" health --ready --admin "127.0.0.1:$ADMIN_PORT" 2>&1 | tail -2
else
  /usr/bin/time -f 'health --ready (via import): max RSS %M kB, %e s wall' env HOPWATCH_ADMIN_TOKEN="$TOKEN" node --input-type=module -e "
    const { health } = await import('$ROOT/dist/src/cli/health.js')
    process.exitCode = await health(['--ready', '--admin', '127.0.0.1:$ADMIN_PORT'], { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env })" 2>&1 | tail -2
fi
kill -TERM "$HW"; wait "$HW" && echo "SIGTERM: exit 0"
