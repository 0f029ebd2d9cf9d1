#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the test suite.
#   pg-test.sh start STATEFILE   initdb in a new temp dir, start on a random port (socket
#                                in that dir, no TCP), write the admin URL to STATEFILE
#   pg-test.sh stop STATEFILE    stop it and remove the directory
# As root the cluster runs as the postgres user. A missing server is an error, never a skip.
set -euo pipefail
cmd=${1:?start|stop}
state=${2:?state file}
BIN=/usr/lib/postgresql/15/bin
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ ! -x "$BIN/initdb" ]; then
    echo "pg-test: PostgreSQL 15 is not installed ($BIN/initdb missing); run scripts/deps.sh" >&2
    exit 1
  fi
  dir=$(mktemp -d /tmp/xfpg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_pg "$BIN/initdb" -D "$dir/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; exit 1; }
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 30000))
    if as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      echo "postgresql://postgres@/postgres?host=$dir&port=$port" >"$state"
      echo "$dir" >"$state.dir"
      echo "pg-test: PostgreSQL 15 running in $dir on port $port"
      exit 0
    fi
  done
  echo "pg-test: could not start PostgreSQL" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$state.dir" ] || { echo "pg-test: nothing to stop"; exit 0; }
  dir=$(cat "$state.dir")
  as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$state" "$state.dir"
  echo "pg-test: stopped"
  ;;
*)
  echo "usage: pg-test.sh start|stop STATEFILE" >&2
  exit 2
  ;;
esac
