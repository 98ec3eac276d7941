#!/usr/bin/env bash
# The container test: build docker/Dockerfile unchanged with podman from a local base image,
# then run it (1) as a hardened sidecar in front of a real upstream, (2) as docker/compose.yaml's
# demo with podman-compose, (3) as docker/kubernetes/ with `podman kube play`. Everything
# listens on 127.0.0.1 (host ports picked at random and checked); containers, pods and
# processes are removed by name or PID, also leftovers of an earlier run.
# Root on Debian bookworm with podman installed (.ci/run installs the packages):
#   bash test/container/run.sh
# CT_PARTS="sidecar compose kube" (the default) chooses the parts; CT_KEEP_IMAGE=1 reuses an
# image built by an earlier run instead of building (for working on the test only).
# Prints one TAP-like line per check and, last, "container test: pass N, fail N, seconds S";
# exits 1 when a check failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$CT_DIR/sidecar.sh"
source "$CT_DIR/compose.sh"
source "$CT_DIR/kube.sh"

IMAGE=localhost/hopwatch:ci
START=$SECONDS

cleanup () {
  sidecar_cleanup
  compose_cleanup
  kube_cleanup
  ct_stop_pids
  rm -rf "$CT_TMP"
}
trap cleanup EXIT
ct_podman_conf
cleanup_earlier () { sidecar_cleanup; compose_cleanup; kube_cleanup; }
cleanup_earlier

# The FROM of docker/Dockerfile, fully qualified the way podman names a Docker Hub image.
from="$(sed -n 's/^ARG NODE_IMAGE=//p' "$ROOT/docker/Dockerfile")"
case "$from" in
  */*) first="${from%%/*}"; case "$first" in *.*|*:*|localhost) base="$from" ;; *) base="docker.io/$from" ;; esac ;;
  *) base="docker.io/library/$from" ;;
esac

part () { ct_log "$1 ($((SECONDS - START)) s so far)"; }

part "base image $base"
t0=$SECONDS
if bash "$CT_DIR/base-image.sh" "$base"; then check "base image $base imported" true; else check "base image $base imported" false; fi
ct_log "base image: $((SECONDS - t0)) s"

part "build docker/Dockerfile"
t0=$SECONDS
mapfile -t ca_args < <(ct_build_ca_args)
# --pull=never: the base is the local one. --format docker: OCI drops HEALTHCHECK. --no-cache:
# never reuse a step, e.g. an `npm ci` that failed quietly in an earlier run.
if [ "${CT_KEEP_IMAGE:-}" = 1 ] && podman image exists "$IMAGE"; then
  ct_log "build: skipped, CT_KEEP_IMAGE=1"
  built=1
elif podman build --pull=never --format docker --no-cache --layers=false --network host "${ca_args[@]}" \
  --build-arg REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  --build-arg CREATED="$(date -u +%FT%TZ)" \
  -f "$ROOT/docker/Dockerfile" -t "$IMAGE" "$ROOT" >"$CT_TMP/build.log" 2>&1; then
  check "docker/Dockerfile builds with podman (--pull=never --format docker --no-cache)" true
  grep -E '^(STEP|dependencies load)' "$CT_TMP/build.log" | sed 's/^/  /'
  built=1
else
  check "docker/Dockerfile builds with podman (--pull=never --format docker --no-cache)" false
  tail -n 40 "$CT_TMP/build.log"
  built=0
fi
ct_log "build: $((SECONDS - t0)) s"
# Intermediate stage images of the build, not tagged: nothing else uses them.
podman image prune --force >/dev/null 2>&1 || true

if [ "$built" = 1 ]; then
  for p in ${CT_PARTS:-sidecar compose kube}; do
    part "$p"
    t0=$SECONDS
    "${p}_test" "$IMAGE" "$base"
    ct_log "$p: $((SECONDS - t0)) s"
  done
fi

echo "container test: pass $CT_PASS, fail $CT_FAIL, seconds $((SECONDS - START))"
[ "$CT_FAIL" = 0 ]
