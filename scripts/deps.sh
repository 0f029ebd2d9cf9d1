#!/usr/bin/env bash
# Install what building and testing xingfu needs on Debian 12. Idempotent and quick when
# everything is present. Never installs nodejs/npm from apt (the machine's own Node is used).
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config git
  libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libcmocka-dev
  libpq-dev postgresql-15 postgresql-client-15 liboath-dev libqrencode-dev
  sqlite3 curl wrk clang-format
  zlib1g-dev chromium fonts-noto-cjk
  libzip-dev libexpat1-dev libxlsxwriter-dev
  libcurl4-openssl-dev libgoogle-perftools-dev
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

# The web UI's npm packages, exactly as web/package-lock.json pins them, with the machine's
# own Node and npm. Skipped while node_modules matches the lock file (and this Node).
WEB="$(cd "$(dirname "$0")/.." && pwd)/web"
if [ -f "$WEB/package-lock.json" ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "deps: Node 20.19+ and npm are needed for the web UI (they are not installed from apt)" >&2
    exit 1
  fi
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "deps: Node $(node --version) is too old for the web UI (Vite 7 needs 20.19+)" >&2
    exit 1
  fi
  want="$(cat "$WEB/package-lock.json" "$WEB/package.json" | sha256sum | cut -d' ' -f1) $(node --version)"
  stamp="$WEB/node_modules/.xingfu-deps"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "deps: npm ci in web/"
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
fi
