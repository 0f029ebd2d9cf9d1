#!/usr/bin/env bash
# Install what building and testing xingfu needs on Debian 12. Idempotent and quick when
# everything is present. Never installs nodejs/npm from apt (the machine's own Node is used).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git
  libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libcmocka-dev
  libpq-dev postgresql-15 postgresql-client-15
  sqlite3 curl wrk clang-format
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
