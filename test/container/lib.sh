# Shared by the container test scripts (sourced, not run): podman settings for this kind of
# machine, counted checks, free loopback ports, and processes stopped by their own PID.
# shellcheck shell=bash

CT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export ROOT
ROOT="$(cd "$CT_DIR/../.." && pwd)"
CT_TMP="${CT_TMP:-$(mktemp -d)}"
CT_PASS=0
CT_FAIL=0
CT_PIDS=()

# podman's settings for this test only (CONTAINERS_CONF, nothing global is changed). No
# CAP_SYS_RESOURCE here: podman's default rlimits fail ("error setting rlimit type 7: operation
# not permitted") and are set to what the host allows. No systemd and a hybrid cgroup v1
# layout: runc (crun is not installed, runc satisfies podman's dependency), cgroupfs and file
# events, which podman 4.3 falls back to by itself; said here so it does not depend on that.
ct_podman_conf () {
  cat >"$CT_TMP/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  export CONTAINERS_CONF="$CT_TMP/containers.conf"
}

# The build's `npm ci` reaches the npm registry. Where outbound TLS is re-signed by a local CA
# (NODE_EXTRA_CA_CERTS names it), npm inside the build needs it: an npmrc with `cafile=` in
# /usr/local/etc (npm's global config dir for a node in /usr/local/bin), mounted read-only for
# the build's RUN steps only. Prints podman build arguments, one a line.
ct_build_ca_args () {
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
    mkdir -p "$CT_TMP/npm-etc"
    cp "$NODE_EXTRA_CA_CERTS" "$CT_TMP/npm-etc/extra-ca.pem"
    printf 'cafile=/usr/local/etc/extra-ca.pem\n' >"$CT_TMP/npm-etc/npmrc"
    printf '%s\n' --volume "$CT_TMP/npm-etc:/usr/local/etc:ro"
  fi
}

ct_log () { printf '[container %s] %s\n' "$(date -u +%T)" "$*"; }

# check NAME COMMAND...: a counted assertion, printed TAP-like.
check () {
  local name="$1"
  shift
  if "$@"; then
    CT_PASS=$((CT_PASS + 1))
    echo "ok - $name"
  else
    CT_FAIL=$((CT_FAIL + 1))
    echo "not ok - $name"
  fi
}

# equal NAME EXPECTED ACTUAL
equal () {
  if [ "$2" = "$3" ]; then check "$1" true; else check "$1 (expected '$2', got '$3')" false; fi
}

# A free TCP port on 127.0.0.1, drawn at random from 20000-59999 and checked by binding it.
free_port () {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$port" 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "free_port: no free port in 50 tries" >&2
  return 1
}

# wait_for SECONDS COMMAND...: retry every 0.5 s until COMMAND succeeds; bounded.
wait_for () {
  local secs="$1"
  shift
  for _ in $(seq 1 $((secs * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

# HTTP status of a GET (curl); extra curl arguments after the URL.
status_of () {
  local url="$1"
  shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@" "$url" || true
}

# Start the loopback upstream (upstream.mjs) on PORT; its log goes to $CT_TMP/upstream-PORT.log.
start_upstream () {
  local port="$1"
  node "$CT_DIR/upstream.mjs" "$port" >"$CT_TMP/upstream-$port.log" 2>&1 &
  CT_PIDS+=($!)
  wait_for 10 grep -q listening "$CT_TMP/upstream-$port.log"
}

ct_stop_pids () {
  local pid
  for pid in "${CT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  CT_PIDS=()
}

# A random token: hex, never printed.
new_token () { node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))'; }
