# docker/kubernetes/ played with `podman kube play`: a copy of deployment.yaml with one replica
# and the sidecar's ports on free 127.0.0.1 host ports, plus the example Secret with a random
# token. The two images it names are this build (hopwatch) and the demo app (app.Containerfile).
# Checks the declared securityContext and limits on the running containers, traffic through the
# sidecar, and both exec probes. Sourced by run.sh; uses lib.sh.
# shellcheck shell=bash

# podman 4.3 names a Deployment's pods NAME-pod-N, their containers POD-CONTAINER.
KUBE_POD=my-app-pod-0

kube_cleanup () {
  if [ -f "$CT_TMP/kube.yaml" ]; then podman kube down "$CT_TMP/kube.yaml" >/dev/null 2>&1 || true; fi
  podman pod rm --force "$KUBE_POD" >/dev/null 2>&1 || true
  podman secret rm hopwatch-admin >/dev/null 2>&1 || true
}

# inspect_of CONTAINER FORMAT
inspect_of () { podman inspect --format "$2" "$1" 2>/dev/null || true; }

# The memory limit the kernel applies to PID: cgroup v2 memory.max, or v1 memory.limit_in_bytes.
memory_cgroup_limit () {
  local path
  path="$(awk -F: '$2=="memory" {print $3}' "/proc/$1/cgroup" 2>/dev/null)"
  if [ -n "$path" ] && [ -f "/sys/fs/cgroup/memory$path/memory.limit_in_bytes" ]; then
    cat "/sys/fs/cgroup/memory$path/memory.limit_in_bytes"
  else
    path="$(awk -F: '$1=="0" {print $3}' "/proc/$1/cgroup" 2>/dev/null)"
    cat "/sys/fs/cgroup$path/memory.max" 2>/dev/null || echo unknown
  fi
}

kube_test () {
  local image="$1" base="$2"
  kube_cleanup
  local tp ap
  tp="$(free_port)"; ap="$(free_port)"
  HOPWATCH_ADMIN_TOKEN="$(new_token)"
  export HOPWATCH_ADMIN_TOKEN
  local images app_image hw_image
  images="$(node "$CT_DIR/copies.mjs" kube "$CT_TMP/kube.yaml" "$tp" "$ap")" || { check "kube: test copy of docker/kubernetes/" false; return; }
  app_image="$(sed -n 1p <<<"$images")"; hw_image="$(sed -n 2p <<<"$images")"
  podman tag "$image" "$hw_image"
  check "kube: app image $app_image built (demo app, uid 1000)" podman build --pull=never --format docker --layers=false \
    --build-arg BASE="$base" -f "$CT_DIR/app.Containerfile" -t "$app_image" "$ROOT/docker/demo-app" >"$CT_TMP/app-build.log" 2>&1
  ct_log "kube: traffic :$tp, admin :$ap"

  check "kube: the example Secret, with a random token, as podman secret hopwatch-admin" \
    podman secret create hopwatch-admin "$CT_TMP/kube.yaml.secret.json" >/dev/null
  rm -f "$CT_TMP/kube.yaml.secret.json"
  local play=0
  podman kube play "$CT_TMP/kube.yaml" >"$CT_TMP/kube-play.log" 2>&1 || play=$?
  equal "kube: podman kube play" 0 "$play"
  if [ "$play" != 0 ]; then tail -n 30 "$CT_TMP/kube-play.log"; kube_cleanup; return; fi
  local app="$KUBE_POD-app" hw="$KUBE_POD-hopwatch"
  equal "kube: the app container runs" running "$(inspect_of "$app" '{{.State.Status}}')"
  equal "kube: the hopwatch container runs" running "$(inspect_of "$hw" '{{.State.Status}}')"

  # The declared securityContext and limits, as the runtime applied them.
  local pid
  pid="$(inspect_of "$hw" '{{.State.Pid}}')"
  equal "kube: hopwatch runs as uid 1000 (runAsUser)" 1000 "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  equal "kube: and gid 1000 (runAsGroup)" 1000 "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  equal "kube: no capabilities (drop ALL)" 0000000000000000 "$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  equal "kube: no privilege escalation" 1 "$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  equal "kube: seccomp filter on (RuntimeDefault)" 2 "$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
  equal "kube: read-only root filesystem" true "$(inspect_of "$hw" '{{.HostConfig.ReadonlyRootfs}}')"
  equal "kube: memory limit 256Mi" $((256 * 1024 * 1024)) "$(inspect_of "$hw" '{{.HostConfig.Memory}}')"
  equal "kube: the kernel enforces it (memory cgroup)" $((256 * 1024 * 1024)) "$(memory_cgroup_limit "$pid")"
  equal "kube: memory request 192Mi (reservation)" $((192 * 1024 * 1024)) "$(inspect_of "$hw" '{{.HostConfig.MemoryReservation}}')"
  equal "kube: no CPU limit (no throttling)" 0 "$(inspect_of "$hw" '{{.HostConfig.CpuQuota}}')"
  local app_pid
  app_pid="$(inspect_of "$app" '{{.State.Pid}}')"
  equal "kube: the app runs as non-root uid 1000 (runAsNonRoot)" 1000 "$(awk '/^Uid:/ {print $2}' "/proc/$app_pid/status" 2>/dev/null)"

  local traffic="http://127.0.0.1:$tp" bearer
  bearer="Bearer $(new_token)"
  check "kube: the sidecar answers on its host port" wait_for 60 curl -s -o /dev/null "$traffic/"
  equal "kube: no token -> the app's 401 through the sidecar" 401 "$(status_of "$traffic/api/orders/1042")"
  equal "kube: a Bearer token -> 200 through the sidecar" 200 "$(status_of "$traffic/api/orders/1042" -H "authorization: $bearer")"
  equal "kube: the admin port needs the Secret's token" 401 "$(status_of "http://127.0.0.1:$ap/report")"
  equal "kube: and takes it" 200 "$(status_of "http://127.0.0.1:$ap/report" -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN")"

  # The probes: kube play turns the liveness probe into the container's health check; no
  # systemd timer runs it here, so it is run explicitly. The readiness probe is exec'd as is.
  local readiness liveness
  mapfile -t readiness < <(node "$CT_DIR/copies.mjs" probe readinessProbe)
  mapfile -t liveness < <(node "$CT_DIR/copies.mjs" probe livenessProbe)
  # podman 4.3 writes it as [CMD-SHELL <the command's words> || exit 1].
  check "kube: the liveness probe is the container's health check" test "$(inspect_of "$hw" '{{.Config.Healthcheck.Test}}')" = "[CMD-SHELL ${liveness[*]} || exit 1]"
  check "kube: liveness probe passes (podman healthcheck run)" podman healthcheck run "$hw"
  check "kube: readiness probe passes (${readiness[*]})" podman exec "$hw" "${readiness[@]}"

  local down=0
  podman kube down "$CT_TMP/kube.yaml" >/dev/null 2>&1 || down=$?
  equal "kube: podman kube down" 0 "$down"
  kube_cleanup
  unset HOPWATCH_ADMIN_TOKEN
}
