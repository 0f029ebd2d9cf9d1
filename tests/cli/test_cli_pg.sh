#!/usr/bin/env bash
# The command line on PostgreSQL: init, migrate, demo and serve take a postgresql:// URL, the
# key file defaults to ./xingfu.key, and backup points to pg_dump.
set -u
XF=${1:?usage: test_cli_pg.sh path/to/xingfu pg-state-file}
STATE=${2:?pg state file}
ADMIN=$(cat "$STATE") || { echo "no PostgreSQL test cluster"; exit 1; }
D=$(mktemp -d /tmp/xfclipg.XXXXXX)
SERVER_PID=""
pass=0
fail=0
DBS=()
url_for() { echo "${ADMIN/\/postgres\?/\/$1?}"; }
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  for db in "${DBS[@]}"; do psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1; done
  rm -rf "$D"
}
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
newdb() { local n="xfcli_$$_$1"; psql -q "$ADMIN" -c "CREATE DATABASE $n" && DBS+=("$n"); url_for "$n"; }

cd "$D"
A=$(newdb a)
if "$XF" init --db "$A" >out 2>err; then ok "init on PostgreSQL"; else bad "init: $(cat err)"; fi
[ -f "$D/xingfu.key" ] && ok "key file defaults to ./xingfu.key" || bad "key file ./xingfu.key"
"$XF" migrate --db "$A" >out 2>err && grep -q 最新 out && ok "migrate on PostgreSQL" || bad "migrate: $(cat err)"
"$XF" backup "$D/b.dump" --db "$A" >out 2>err
[ $? = 1 ] && grep -q pg_dump err && ok "backup points to pg_dump" || bad "backup guidance: $(cat err)"
"$XF" init --db "$(url_for xfcli_no_such_db)" >out 2>err
[ $? = 1 ] && grep -q "无法连接" err && ok "unreachable database: clear message" || bad "unreachable: $(cat err)"
grep -q "postgres@/xfcli_no_such_db" err && ok "message names the database" || bad "message names db"

B=$(newdb demo)
rm -f "$D/xingfu.key"
"$XF" demo --db "$B" --listen 127.0.0.1:0 --password pgdemo123 --access-log - >serve.out 2>serve.err &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 150); do
  PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] && ok "demo serves on PostgreSQL (port $PORT)" || bad "demo did not start: $(cat serve.err)"
code=$(curl -s -o login.json -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"username":"shequ","password":"pgdemo123"}' "http://127.0.0.1:$PORT/api/session")
[ "$code" = 200 ] && grep -q 大智路社区 login.json && ok "demo account signs in" || bad "login $code"
places=$(psql -qtA "$B" -c "SELECT count(*) FROM places WHERE kind = 'community'")
[ "$places" = 135 ] && ok "demo city has 135 communities in PostgreSQL" || bad "communities: $places"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; rc=$?; SERVER_PID=""
[ "$rc" = 0 ] && ok "stops cleanly" || bad "stop exit $rc"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
