#!/usr/bin/env bash
# Durable points transfers per second on a served demo city (SQLite, group commit):
#   1. one transfer per request (64 wrk connections, each request its own write job);
#   2. batches of BATCH transfers per request (4 connections);
# beside the ceiling of raw SQLite doing one INSERT per commit (WAL, synchronous=FULL, the
# writer's settings) on the same disk in the same run. Every request is answered only after
# its commit; the script checks afterwards that the ledger still verifies.
# Usage: bench/points.sh [build/xingfu] [seconds] [batch]
set -euo pipefail
XF=${1:-build/xingfu}
SECS=${2:-5}
BATCH=${3:-1000}
D=$(mktemp -d /tmp/xfpoints.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$D"' EXIT
"$XF" demo --generate-only --db "$D/b.db" --password benchpass1 >/dev/null 2>&1
# A deployment setting: no daily gift limit worth the name for the benchmark's member.
sqlite3 "$D/b.db" "INSERT INTO meta(key, value) VALUES ('points.gift_daily_limit', '1000000')
  ON CONFLICT(key) DO UPDATE SET value = excluded.value"
"$XF" serve --db "$D/b.db" --listen 127.0.0.1:0 --access-log - >"$D/out" 2>"$D/err" &
PID=$!
for _ in $(seq 100); do PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out"); [ -n "$PORT" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT

login() { # user → "cookie csrf"
  curl -s -c "$D/jar.$1" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"benchpass1\"}" "$URL/api/session" >"$D/login.$1"
  echo "$(awk '/xf_session/ {print $7}' "$D/jar.$1") $(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login.$1")"
}
call() { # user method path [body]
  local u=$1 m=$2 p=$3 b=${4:-}
  read -r c t < <(cat "$D/cred.$u")
  curl -s -X "$m" -H "Cookie: xf_session=$c" -H "X-CSRF-Token: $t" -H 'Content-Type: application/json' \
    ${b:+-d "$b"} "$URL$p"
}
for u in admin shenpi dangyuan jumin; do login $u >"$D/cred.$u"; done
acct() { call "$1" GET "/api/points/accounts?owner=me" | python3 -c \
  'import json,sys; print([a["id"] for a in json.load(sys.stdin)["items"] if a["kind"]=="person"][0])'; }
FROM=$(acct dangyuan)
TO=$(acct jumin)
PERSON=$(sqlite3 "$D/b.db" "SELECT person_id FROM users WHERE username = 'dangyuan'")
RULE=$(sqlite3 "$D/b.db" "SELECT id FROM points_rules WHERE code = 'manual_award'")
# Points only appear through the rules engine: approved awards (raised cap for the run).
call admin PATCH "/api/points/rules/$RULE" '{"cap_per_outcome":100000}' >/dev/null
for i in $(seq 20); do
  id=$(call admin POST /api/points/awards \
    "{\"kind\":\"award\",\"person_id\":$PERSON,\"amount\":100000,\"reason\":\"压测用积分 $i\"}" |
    sed -n 's/.*"id":\([0-9]*\).*/\1/p')
  call shenpi POST "/api/points/awards/$id/approve" >/dev/null
done
read -r COOKIE CSRF < <(cat "$D/cred.dangyuan")

script() { # batch size → a wrk script posting unique transfer ids
  cat <<LUA
local n = 0
local counter = 1
tid = 0 -- set per thread by setup()
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function request()
  local items = {}
  for i = 1, $1 do
    n = n + 1
    items[i] = string.format('{"id":"b$1-%d-%d","debit_account":$FROM,"credit_account":$TO,"amount":1,"code":"gift"}', tid, n)
  end
  return wrk.format("POST", "/api/points/transfers", {
    ["Content-Type"] = "application/json", ["Cookie"] = "xf_session=$COOKIE",
    ["X-CSRF-Token"] = "$CSRF"}, '{"transfers":[' .. table.concat(items, ",") .. ']}')
end
LUA
}
script 1 >"$D/one.lua"
script "$BATCH" >"$D/batch.lua"
count() { sqlite3 "$D/b.db" "SELECT count(*) FROM points_transfers WHERE id LIKE 'b$1-%'"; }
status() { curl -s -b "$D/jar.admin" "$URL/api/system/status"; }

before=$(status)
wrk -t2 -c64 -d"${SECS}s" -s "$D/one.lua" "$URL/api/points/transfers" >"$D/wrk1"
after=$(status)
n1=$(count 1)
wrk -t2 -c4 -d"${SECS}s" -s "$D/batch.lua" "$URL/api/points/transfers" >"$D/wrk2"
n2=$(count "$BATCH")
kill $PID; wait $PID 2>/dev/null || true; PID=""

echo "== one transfer per request (64 connections, ${SECS}s)"
grep -E 'Requests/sec|Latency|requests in' "$D/wrk1"
python3 - "$before" "$after" "$n1" "$SECS" <<'PY'
import json, sys
b, a = (json.loads(x)["writer"] for x in sys.argv[1:3])
jobs, commits = a["jobs"] - b["jobs"], a["commits"] - b["commits"]
print(f"durable transfers: {int(sys.argv[3])} = {int(sys.argv[3]) / float(sys.argv[4]):.0f}/s; "
      f"writer: {jobs} jobs in {commits} commits = {jobs / max(commits, 1):.1f} per commit")
PY
echo "== batches of $BATCH transfers per request (4 connections, ${SECS}s)"
grep -E 'Requests/sec|Latency|requests in' "$D/wrk2"
python3 -c "print(f'durable transfers: $n2 = {$n2 / $SECS:.0f}/s')"

echo "== raw SQLite, one INSERT per commit (WAL, synchronous=FULL), same disk"
python3 - "$D/raw.db" "$SECS" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, a INTEGER, b INTEGER, amount INTEGER)")
n, end = 0, time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    db.execute("BEGIN"); db.execute("INSERT INTO t VALUES (?, 1, 2, 1)", (f"r{n}",)); db.execute("COMMIT")
    n += 1
print(f"raw commits: {n} = {n / float(sys.argv[2]):.0f}/s")
PY
"$XF" points verify --db "$D/b.db"
