#!/usr/bin/env bash
# The command line as an operator uses it: exit codes, messages, init/migrate/demo/serve/backup,
# and CLI writes to a database a running server is using.
set -u
XF=${1:?usage: test_cli.sh path/to/xingfu}
D=$(mktemp -d /tmp/xfcli.XXXXXX)
SERVER_PID=""
pass=0
fail=0
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
# expect_exit CODE NAME -- command...
expect_exit() {
  local want=$1 name=$2
  shift 3
  "$@" >"$D/out" 2>"$D/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok "$name (exit $got)"; else bad "$name: exit $got, want $want: $(cat "$D/err")"; fi
}
expect_grep() { if grep -q -- "$2" "$3"; then ok "$1"; else bad "$1: '$2' not in $3: $(head -c 400 "$3")"; fi; }

expect_exit 0 "--version" -- "$XF" --version
expect_grep "version printed" "xingfu 0" "$D/out"
expect_exit 2 "no command is a usage error" -- "$XF"
expect_exit 2 "unknown command" -- "$XF" frobnicate
expect_grep "unknown command hint" "xingfu help" "$D/err"
expect_exit 0 "help serve" -- "$XF" help serve
expect_grep "help names --listen" "--listen" "$D/out"
expect_exit 2 "unknown flag" -- "$XF" serve --bogus
[ "$(wc -l <"$D/err")" = 1 ] && ok "usage error is one line" || bad "usage error is one line"
expect_exit 2 "flag without value" -- "$XF" serve --db
expect_exit 2 "bad --per-ip-limit" -- "$XF" serve --db "$D/x.db" --per-ip-limit lots
expect_exit 2 "bad --scale" -- "$XF" demo --scale huge --db "$D/x.db"

expect_exit 0 "init" -- "$XF" init --db "$D/a.db" --admin chief
expect_grep "init prints one-time password" "一次性密码" "$D/out"
[ "$(stat -c %a "$D/a.db.key")" = 600 ] && ok "key file is 0600" || bad "key file is 0600"
expect_exit 1 "init refuses an existing database" -- "$XF" init --db "$D/a.db"
expect_exit 0 "migrate (flag after command)" -- "$XF" migrate --db "$D/a.db"
expect_grep "migrate says up to date" "最新" "$D/out"
XINGFU_DB="$D/a.db" expect_exit 0 "XINGFU_DB is honoured" -- "$XF" migrate

printf 'this is not a database\n%.0s' {1..100} >"$D/notdb"
cp "$D/a.db.key" "$D/notdb.key"
expect_exit 1 "serve refuses a file that is not a database" -- "$XF" serve --db "$D/notdb" --listen 127.0.0.1:0
expect_grep "not-a-database message" "不是 xingfu 数据库" "$D/err"
if grep -q "已启动" "$D/out"; then bad "must fail before listening"; else ok "failed before listening"; fi
expect_exit 1 "serve refuses a missing database" -- "$XF" serve --db "$D/missing.db" --listen 127.0.0.1:0
expect_grep "missing database hint" "xingfu init" "$D/err"

cp "$D/a.db" "$D/new.db"
cp "$D/a.db.key" "$D/new.db.key"
sqlite3 "$D/new.db" "UPDATE meta SET value = '999' WHERE key = 'schema_version'"
expect_exit 1 "serve refuses a database newer than the binary" -- "$XF" serve --db "$D/new.db" --listen 127.0.0.1:0
expect_grep "newer database message" "升级" "$D/err"
expect_exit 1 "migrate refuses a newer database" -- "$XF" migrate --db "$D/new.db"

expect_exit 0 "demo --generate-only" -- "$XF" demo --generate-only --db "$D/demo.db" --password firstpass1
expect_grep "demo counts places" "135" "$D/out"

# The points ledger of a fresh demo replays to every balance; a balance changed behind the
# ledger's back is found and named.
expect_exit 0 "points verify on the demo" -- "$XF" points verify --db "$D/demo.db"
expect_grep "points verify says consistent" "积分账本一致" "$D/out"
cp "$D/demo.db" "$D/pts.db"
acct=$(sqlite3 "$D/pts.db" "SELECT min(id) FROM points_accounts WHERE kind = 'person' AND credits_posted > 0")
sqlite3 "$D/pts.db" "UPDATE points_accounts SET credits_posted = credits_posted + 5 WHERE id = $acct"
expect_exit 1 "points verify finds a corrupted balance" -- "$XF" points verify --db "$D/pts.db"
expect_grep "points verify names the account" "账户 $acct" "$D/err"
sqlite3 "$D/pts.db" "UPDATE points_accounts SET credits_posted = credits_posted - 5 WHERE id = $acct; DELETE FROM points_pending"
sqlite3 "$D/pts.db" "INSERT INTO points_pending SELECT seq, debit_account, credit_account, amount, 0 FROM points_transfers WHERE phase = 'single' LIMIT 1"
expect_exit 1 "points verify finds a reservation without a pending transfer" -- "$XF" points verify --db "$D/pts.db"
expect_exit 2 "points without verify is a usage error" -- "$XF" points --db "$D/pts.db"

# Serve the demo on an ephemeral port.
"$XF" serve --db "$D/demo.db" --listen 127.0.0.1:0 --access-log "$D/access.log" \
  --trusted-proxy 127.0.0.1 --per-ip-limit 50 >"$D/serve.out" 2>"$D/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/serve.out" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] && ok "server started on port $PORT" || bad "server did not start: $(cat "$D/serve.err")"
login() {
  curl -s -o "$D/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/session"
}
[ "$(login admin firstpass1)" = 200 ] && ok "demo admin signs in" || bad "demo admin signs in"
curl -s -o /dev/null -H 'X-Forwarded-For: 203.0.113.5' "http://127.0.0.1:$PORT/healthz"
[ "$(login danwei firstpass1)" = 200 ] && ok "demo unit account signs in" || bad "demo unit account"

# A CLI write while the server runs: the server sees it at once.
expect_exit 0 "demo --password resets passwords while serving" -- "$XF" demo --generate-only --db "$D/demo.db" --password secondpass2
[ "$(login admin secondpass2)" = 200 ] && ok "server sees the CLI's write at once" || bad "server sees the CLI's write"
[ "$(login admin firstpass1)" = 401 ] && ok "old password refused" || bad "old password refused"

expect_exit 0 "backup FILE --db (positional first)" -- "$XF" backup "$D/bk1.db" --db "$D/demo.db"
expect_exit 0 "backup --db FILE (flag first)" -- "$XF" backup --db "$D/demo.db" "$D/bk2.db"
[ "$(sqlite3 "$D/bk1.db" 'SELECT count(*) FROM users')" = 14 ] && ok "backup holds the accounts" || bad "backup holds the accounts"
[ "$(sqlite3 "$D/bk2.db" 'PRAGMA integrity_check')" = ok ] && ok "backup passes integrity_check" || bad "backup integrity"
expect_exit 1 "backup refuses to overwrite" -- "$XF" backup "$D/bk1.db" --db "$D/demo.db"
expect_exit 2 "backup needs a file name" -- "$XF" backup --db "$D/demo.db"

# Identity commands.
"$XF" token create --name "12345 热线" --scope 12345 --expires 30 --db "$D/demo.db" >"$D/out" 2>"$D/err"
TOKEN=$(tail -n 1 "$D/out")
case "$TOKEN" in xf_*) ok "token create prints the token as its last line" ;; *) bad "token line: $(cat "$D/out" "$D/err")" ;; esac
code=$(curl -s -o "$D/me.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/me")
[ "$code" = 200 ] && grep -q '"scope":"12345"' "$D/me.json" && ok "the server accepts the new token at once" || bad "token use: $code"
expect_exit 2 "token create with a bad scope" -- "$XF" token create --name x --scope root --db "$D/demo.db"
expect_exit 0 "audit verify on an untouched log" -- "$XF" audit verify --db "$D/demo.db"
expect_grep "audit verify reports the chain whole" "完整" "$D/out"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=""
[ "$rc" = 0 ] && ok "SIGTERM stops the server cleanly" || bad "SIGTERM exit $rc"
expect_grep "server says it stopped" "已停止" "$D/serve.out"
expect_grep "access log has JSON lines" '"path":"/api/session"' "$D/access.log"
expect_grep "trusted proxy's X-Forwarded-For is the client" '"ip":"203.0.113.5"' "$D/access.log"

# Imports from the command line: a bad row writes nothing, a good file imports once.
printf 'code,name,kind,parent_code\n420203009002990,命令行网格,grid,420203009002\n420203009002991,坏行,grid,nope\n' >"$D/bad.csv"
before=$(sqlite3 "$D/demo.db" "SELECT count(*) FROM places")
expect_exit 1 "import refuses a file with a bad row" -- "$XF" import places "$D/bad.csv" --db "$D/demo.db"
expect_grep "import names the row" "第 3 行" "$D/err"
[ "$(sqlite3 "$D/demo.db" "SELECT count(*) FROM places")" = "$before" ] && ok "bad file wrote nothing" || bad "bad file wrote rows"
head -2 "$D/bad.csv" >"$D/good.csv"
expect_exit 0 "import a good file" -- "$XF" import places "$D/good.csv" --db "$D/demo.db"
expect_exit 0 "import it again" -- "$XF" import places "$D/good.csv" --db "$D/demo.db"
expect_grep "re-import changes nothing" "未变 1" "$D/out"
expect_exit 2 "import of an unknown kind" -- "$XF" import villages "$D/good.csv" --db "$D/demo.db"

# Tamper with one row: verify fails and names it.
row=$(sqlite3 "$D/demo.db" "SELECT id FROM audit_log WHERE seq = 2")
sqlite3 "$D/demo.db" "UPDATE audit_log SET outcome = 'ok ' WHERE id = $row"
expect_exit 1 "audit verify detects an edited row" -- "$XF" audit verify --db "$D/demo.db"
expect_grep "audit verify names the row" "id=$row" "$D/err"
sqlite3 "$D/demo.db" "UPDATE audit_log SET outcome = 'ok' WHERE id = $row"
expect_exit 0 "restored row verifies again" -- "$XF" audit verify --db "$D/demo.db"
last=$(sqlite3 "$D/demo.db" "SELECT max(id) FROM audit_log")
sqlite3 "$D/demo.db" "DELETE FROM audit_log WHERE id = $last"
expect_exit 1 "audit verify detects a deleted last row" -- "$XF" audit verify --db "$D/demo.db"

# Key rotation: personal data still opens, under the new key only.
cp "$D/demo.db" "$D/rot.db"; cp "$D/demo.db.key" "$D/rot.db.key"
sqlite3 "$D/rot.db" "DELETE FROM audit_log"; sqlite3 "$D/rot.db" "DELETE FROM meta WHERE key LIKE 'audit_%'"
before=$(sqlite3 "$D/rot.db" "SELECT hex(phone_enc) FROM people ORDER BY id LIMIT 1")
expect_exit 0 "rotate-key" -- "$XF" rotate-key --db "$D/rot.db"
after=$(sqlite3 "$D/rot.db" "SELECT hex(phone_enc) FROM people ORDER BY id LIMIT 1")
[ "$before" != "$after" ] && ok "sealed values changed" || bad "sealed values unchanged"
[ -f "$D/rot.db.key.old" ] && ok "old key kept as .old" || bad "old key kept"
expect_exit 0 "audit verify after rotation" -- "$XF" audit verify --db "$D/rot.db"
expect_exit 1 "the old key no longer fits" -- "$XF" audit verify --db "$D/rot.db" --key-file "$D/rot.db.key.old"
expect_grep "key mismatch message" "不匹配" "$D/err"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
