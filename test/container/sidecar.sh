# The image run as a sidecar the way docs/deploy.md runs it, hardened like the Kubernetes
# example (read-only root, no capabilities, no new privileges), host network on loopback only,
# in front of a real upstream (upstream.mjs). Sourced by run.sh; uses lib.sh.
# shellcheck shell=bash

SIDECAR=hopwatch-ci-sidecar

sidecar_cleanup () { podman rm --force --time 0 "$SIDECAR" >/dev/null 2>&1 || true; }

# report_field JSON-PATH: read a field of the JSON report on stdin.
report_field () { node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v?.[k];console.log(v)})' "$1"; }

tokens_not_logged () {
  local logs
  logs="$(podman logs "$SIDECAR" 2>&1)"
  [ -n "$logs" ] && [ "${logs/$HOPWATCH_ADMIN_TOKEN/}" = "$logs" ] && [ "${logs/${1#Bearer }/}" = "$logs" ]
}

sidecar_test () {
  local image="$1"
  sidecar_cleanup
  # What the image holds, read from the image itself.
  equal "image: /app holds the package, its licence and its dependencies only" \
    "LICENSE README.md dist node_modules package-lock.json package.json" \
    "$(podman run --rm --network none --entrypoint ls "$image" -A /app | tr '\n' ' ' | sed 's/ $//')"
  local node_version
  node_version="$(podman run --rm --network none --entrypoint node "$image" --version)"
  check "image: Node 24 (LTS), $node_version" grep -q '^v24\.' <<<"$node_version"
  local up tp ap
  up="$(free_port)"; tp="$(free_port)"; ap="$(free_port)"
  start_upstream "$up"
  HOPWATCH_ADMIN_TOKEN="$(new_token)"
  export HOPWATCH_ADMIN_TOKEN
  local client
  client="Bearer $(new_token)"
  local admin="http://127.0.0.1:$ap"
  local traffic="http://127.0.0.1:$tp"
  ct_log "sidecar: upstream :$up, traffic :$tp, admin :$ap"
  # -e NAME without a value passes the variable from this shell: the token is not in argv.
  podman run -d --name "$SIDECAR" --network host \
    --read-only --cap-drop ALL --security-opt no-new-privileges \
    -e HOPWATCH_UPSTREAM="http://127.0.0.1:$up" -e HOPWATCH_LISTEN="127.0.0.1:$tp" \
    -e HOPWATCH_ADMIN="127.0.0.1:$ap" -e HOPWATCH_ADMIN_TOKEN -e HOPWATCH_SHUTDOWN_GRACE=10000 \
    "$image" >/dev/null
  check "sidecar: /healthz answers within 60 s" wait_for 60 curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/healthz"

  equal "sidecar: no token -> the upstream's 401 through hopwatch" 401 "$(status_of "$traffic/api/orders/1042")"
  equal "sidecar: a Bearer token -> 200 through hopwatch" 200 "$(status_of "$traffic/api/orders/1042" -H "authorization: $client")"
  equal "sidecar: /report without the admin token -> 401" 401 "$(status_of "$admin/report")"
  equal "sidecar: /metrics with a wrong token -> 401" 401 "$(status_of "$admin/metrics" -H "authorization: Bearer not-$HOPWATCH_ADMIN_TOKEN")"
  equal "sidecar: /report with the admin token -> 200" 200 "$(status_of "$admin/report" -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN")"
  local exchanges=0
  for _ in $(seq 1 20); do
    exchanges="$(curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/report" | report_field totals.exchanges || true)"
    [ "$exchanges" = 2 ] && break
    sleep 0.5
  done
  equal "sidecar: the report counts the 2 exchanges" 2 "$exchanges"
  local report
  report="$(curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/report" || true)"
  check "sidecar: the client's token is not in the report" test "${report/${client#Bearer }/}" = "$report"
  check "sidecar: neither token is in the container's logs" tokens_not_logged "$client"

  check "sidecar: the image keeps its HEALTHCHECK (docker format)" test -n "$(podman inspect --format '{{.Config.Healthcheck}}' "$SIDECAR" | grep -F 'hopwatch health' || true)"
  check "sidecar: podman healthcheck run passes" podman healthcheck run "$SIDECAR"
  check "sidecar: hopwatch health --ready inside the container" podman exec "$SIDECAR" hopwatch health --ready
  # Exit 0: the 401 went to a client that never sent a credential, an anonymous 401 (info) that
  # blames no layer, so nothing fails a CI job; the report still lists it.
  local inside=0
  podman exec "$SIDECAR" hopwatch report --format text >"$CT_TMP/inside.txt" 2>&1 || inside=$?
  equal "sidecar: hopwatch report inside the container exits 0 (an anonymous 401 is no error)" 0 "$inside"
  check "sidecar: and lists it: credential-missing-on-401 as INFO" grep -q 'INFO credential-missing-on-401' "$CT_TMP/inside.txt"

  local pid
  pid="$(podman inspect --format '{{.State.Pid}}' "$SIDECAR")"
  equal "sidecar: the process runs as uid 1000" 1000 "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")"
  equal "sidecar: and gid 1000" 1000 "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")"
  equal "sidecar: no effective capabilities" 0000000000000000 "$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")"
  equal "sidecar: no new privileges" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$pid/status")"
  check "sidecar: the root filesystem is read-only" sh -c "! podman exec $SIDECAR sh -c 'echo x > /app/x' 2>/dev/null"

  # An exchange in flight when podman stops the container: SIGTERM, the grace lets it finish.
  : >"$CT_TMP/slow.out"
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H "authorization: $client" "$traffic/slow?ms=3000" >"$CT_TMP/slow.out" &
  local slow=$!
  wait_for 10 grep -q 'slow started' "$CT_TMP/upstream-$up.log" || true
  local stop_status=0
  podman stop --time 30 "$SIDECAR" >/dev/null || stop_status=$?
  wait "$slow" || true
  equal "sidecar: podman stop exits 0" 0 "$stop_status"
  equal "sidecar: the in-flight slow request completed with 200" 200 "$(cat "$CT_TMP/slow.out")"
  equal "sidecar: hopwatch exited 0 on SIGTERM" 0 "$(podman inspect --format '{{.State.ExitCode}}' "$SIDECAR")"

  local size
  size="$(podman image inspect --format '{{.Size}}' "$image")"
  ct_log "image size: $image $((size / 1024 / 1024)) MiB ($size bytes)"
  sidecar_cleanup
  ct_stop_pids
  unset HOPWATCH_ADMIN_TOKEN
}
