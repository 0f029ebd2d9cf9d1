#!/usr/bin/env bash
# What `make bench` needs beyond `make build`: wrk and nginx (apt), sqlite3 and python3 for
# the references, and the Node.js peer's packages (npm ci in bench/peer, better-sqlite3
# built from source against the installed Node headers: no prebuilt download). Installs
# only what is missing; `make test` never needs any of it.
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v python3 >/dev/null || need+=(python3)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench deps: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  # nginx only serves the benchmark's own instance: never start the system service.
  $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" >/usr/sbin/policy-rc.d.bench && chmod +x /usr/sbin/policy-rc.d.bench'
  [ -e /usr/sbin/policy-rc.d ] || $SUDO cp /usr/sbin/policy-rc.d.bench /usr/sbin/policy-rc.d
  $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null ||
    { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
  if cmp -s /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.bench; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
  $SUDO rm -f /usr/sbin/policy-rc.d.bench
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "bench deps: the peer needs Node.js 20 or later (found $(node --version))" >&2; exit 1; }
cd "$DIR/peer"
if [ ! -f node_modules/.bench-ok ] || [ package-lock.json -nt node_modules/.bench-ok ]; then
  echo "bench deps: npm ci in bench/peer (better-sqlite3 from source, ~1 min)"
  export npm_config_nodedir=${npm_config_nodedir:-/usr}
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  npm rebuild better-sqlite3 --build-from-source --loglevel=error >/dev/null
  node -e 'new (require("better-sqlite3"))(":memory:").prepare("SELECT 1").get()'
  touch node_modules/.bench-ok
fi
