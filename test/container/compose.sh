# docker/compose.yaml brought up with podman-compose (a copy with free loopback host ports), then
# the walkthrough of docs/deploy.md: through NGINX the app answers 401 because NGINX's config
# clears Authorization, straight to hopwatch 200, and the report blames NGINX. NGINX is a
# stand-in built from Debian's nginx-light, tagged with the image name compose.yaml gives.
# Sourced by run.sh; uses lib.sh and sidecar.sh (report_field).
# shellcheck shell=bash

COMPOSE_PROJECT=hopwatch-ci-compose

compose_cleanup () {
  if [ -f "$CT_TMP/compose.yaml" ]; then
    podman-compose -p "$COMPOSE_PROJECT" -f "$CT_TMP/compose.yaml" down >/dev/null 2>&1 || true
  fi
  local ids
  mapfile -t ids < <(podman ps -a -q --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" 2>/dev/null || true)
  [ "${#ids[@]}" = 0 ] || podman rm --force --time 0 "${ids[@]}" >/dev/null 2>&1 || true
  podman pod rm --force "pod_$COMPOSE_PROJECT" >/dev/null 2>&1 || true
  podman network rm --force "${COMPOSE_PROJECT}_default" >/dev/null 2>&1 || true
}

# nginx_standin IMAGE BASE: build nginx.Containerfile from BASE as IMAGE, unless it was built
# already from the same Containerfile and base (label).
nginx_standin () {
  local image="$1" base="$2" key
  key="$( (cat "$CT_DIR/nginx.Containerfile"; podman image inspect --format '{{.Id}}' "$base") | sha256sum | cut -c1-16)"
  if [ "$(podman image inspect --format '{{index .Labels "hopwatch.ci.standin"}}' "$image" 2>/dev/null)" = "$key" ]; then return 0; fi
  podman build --pull=never --format docker --layers=false --network host --build-arg BASE="$base" \
    --label "hopwatch.ci.standin=$key" -f "$CT_DIR/nginx.Containerfile" -t "$image" "$CT_DIR" >"$CT_TMP/nginx-build.log" 2>&1 \
    || { tail -n 20 "$CT_TMP/nginx-build.log"; return 1; }
}

# The finding the walkthrough expects, from the JSON report on stdin.
nginx_blamed () {
  node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{
    const f=JSON.parse(s).findings.find((x)=>x.rule==="credential-missing-on-401")
    process.exit(f && f.header==="authorization" && f.layer==="nginx" && f.severity==="error" ? 0 : 1)})'
}

compose_test () {
  local image="$1" base="$2"
  compose_cleanup
  local np dp ap
  np="$(free_port)"; dp="$(free_port)"; ap="$(free_port)"
  local images app_image hw_image nginx_image
  images="$(node "$CT_DIR/copies.mjs" compose "$CT_TMP/compose.yaml" "$np" "$dp" "$ap")" || { check "compose: test copy of docker/compose.yaml" false; return; }
  app_image="$(sed -n 1p <<<"$images")"; hw_image="$(sed -n 2p <<<"$images")"; nginx_image="$(sed -n 3p <<<"$images")"
  equal "compose: the demo app runs on the Dockerfile's base image" "$base" "docker.io/library/$app_image"
  podman tag "$image" "$hw_image"
  check "compose: stand-in $nginx_image built from Debian's nginx-light" nginx_standin "docker.io/library/$nginx_image" "$base"
  ct_log "compose: NGINX :$np, hopwatch direct :$dp, admin :$ap"

  HOPWATCH_ADMIN_TOKEN="$(new_token)"
  export HOPWATCH_ADMIN_TOKEN
  local up=0
  # Without --build: compose.yaml's hopwatch image is the one built above.
  podman-compose -p "$COMPOSE_PROJECT" -f "$CT_TMP/compose.yaml" up -d >"$CT_TMP/compose-up.log" 2>&1 || up=$?
  equal "compose: podman-compose up -d" 0 "$up"
  [ "$up" = 0 ] || tail -n 30 "$CT_TMP/compose-up.log"
  local hw="${COMPOSE_PROJECT}_hopwatch_1"
  check "compose: hopwatch's HEALTHCHECK passes (podman healthcheck run)" wait_for 60 podman healthcheck run "$hw"
  local admin="http://127.0.0.1:$ap" bearer
  bearer="Bearer $(new_token)"
  check "compose: NGINX answers on its host port" wait_for 30 curl -s -o /dev/null "http://127.0.0.1:$np/"

  equal "compose: through NGINX with a Bearer token -> 401 (NGINX cleared Authorization)" 401 \
    "$(status_of "http://127.0.0.1:$np/api/orders/1042" -H "authorization: $bearer")"
  equal "compose: straight to hopwatch -> 200" 200 "$(status_of "http://127.0.0.1:$dp/api/orders/1042" -H "authorization: $bearer")"
  local exchanges=0
  for _ in $(seq 1 20); do
    exchanges="$(curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/report" | report_field totals.exchanges || true)"
    [ "$exchanges" -ge 2 ] 2>/dev/null && break
    sleep 0.5
  done
  local json text
  json="$(curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/report" || true)"
  check "compose: the report blames NGINX for the missing Authorization" nginx_blamed <<<"$json"
  text="$(curl -sf -H "authorization: Bearer $HOPWATCH_ADMIN_TOKEN" "$admin/report?format=text" || true)"
  check "compose: the text report of the walkthrough names credential-missing-on-401" grep -q 'credential-missing-on-401' <<<"$text"
  check "compose: and the layer: nginx (likely)" grep -q 'nginx (likely)' <<<"$text"
  check "compose: the client's token is not in the report" test "${json/${bearer#Bearer }/}" = "$json"
  equal "compose: the admin port needs the token" 401 "$(status_of "$admin/report")"

  local down=0
  podman-compose -p "$COMPOSE_PROJECT" -f "$CT_TMP/compose.yaml" down >"$CT_TMP/compose-down.log" 2>&1 || down=$?
  equal "compose: podman-compose down" 0 "$down"
  compose_cleanup
  unset HOPWATCH_ADMIN_TOKEN
}
