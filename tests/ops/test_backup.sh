#!/usr/bin/env bash
# Backup and restore (SQLite): `xingfu backup --verify` taken while residents file cases as
# fast as they can (tests/ops/xfload.py), then restored into a new instance:
#   - the backup verifies (integrity, foreign keys, schema version, points ledger replay,
#     audit hash chain) and holds every case acknowledged before it started;
#   - it is one consistent snapshot: no acknowledged case older than its newest one missing;
#   - a new instance serves the restored copy with the original key file, and its counts
#     and points ledger totals equal the backup's;
#   - --verify refuses a damaged file, an edited audit row and the wrong key file.
# Usage: test_backup.sh XINGFU
set -u
XF=$(realpath "${1:?usage: test_backup.sh path/to/xingfu}")
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/xfbackup.XXXXXX)
PW=backuppass1
PID=""
LOAD=""
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
cleanup() {
  [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$D"
}
trap cleanup EXIT
start() { # start DB LOG
  : >"$2.out"
  "$XF" serve --db "$1" --listen 127.0.0.1:0 --access-log - >"$2.out" 2>"$2.err" &
  PID=$!
  for _ in $(seq 300); do
    PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$2.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  PID=""
  return 1
}
stop() { [ -n "$PID" ] && kill -TERM "$PID" && wait "$PID" 2>/dev/null; PID=""; }
counts() { grep '^counts:' "$1" | sed 's/ audit=[0-9]*//; s/ rows=[0-9]*//'; }

mkdir -p "$D/live" "$D/restore"
"$XF" demo --generate-only --db "$D/live/city.db" --password "$PW" >/dev/null 2>&1 || bad "demo db"
start "$D/live/city.db" "$D/s1" || { bad "server did not start: $(cat "$D/s1.err")"; exit 1; }
python3 "$HERE/xfload.py" "$PORT" "$PW" "$D/ok" 12 4 &
LOAD=$!
# Back up once writes are flowing (a loaded machine may take a while to sign in).
for _ in $(seq 300); do
  [ "$(cat "$D/ok" 2>/dev/null | wc -l)" -ge 200 ] && break
  sleep 0.1
done
before=$(wc -l <"$D/ok")
if "$XF" backup "$D/b1.db" --db "$D/live/city.db" --verify >"$D/b1.out" 2>"$D/b1.err"; then
  ok "backup --verify under write load ($before cases acknowledged before it): $(head -1 "$D/b1.out")"
else
  bad "backup --verify under load: $(cat "$D/b1.err")"
fi
during=$(wc -l <"$D/ok")
wait "$LOAD"; LOAD=""
after=$(wc -l <"$D/ok")
[ "$during" -gt "$before" ] || [ "$after" -gt "$during" ] && ok "writes went on while the backup ran ($before → $during → $after)" \
  || bad "no writes around the backup ($before → $during → $after)"
stop

check=$(python3 - "$D/b1.db" "$D/ok" "$before" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
have = dict(db.execute("SELECT id, title FROM cases"))
newest = max(have)
acked = [l.split(" ", 2) for l in open(sys.argv[2]).read().splitlines()]
before = int(sys.argv[3])
lost_before = sum(1 for _, i, t in acked[:before] if have.get(int(i)) != t)
holes = sum(1 for _, i, t in acked if int(i) <= newest and have.get(int(i)) != t)
print(lost_before, holes, sum(1 for _, i, _ in acked if int(i) <= newest))
PY
)
read -r lost_before holes inside <<<"$check"
[ "$lost_before" = 0 ] && ok "every case acknowledged before the backup began is in it" \
  || bad "$lost_before cases acknowledged before the backup are missing from it"
[ "$holes" = 0 ] && ok "one consistent snapshot: all $inside acknowledged cases up to its newest are there" \
  || bad "snapshot has $holes holes among acknowledged cases"

# --verify on an existing file checks it and changes nothing.
sum1=$(sha256sum <"$D/b1.db")
"$XF" backup "$D/b1.db" --verify --key-file "$D/live/city.db.key" >"$D/v.out" 2>"$D/v.err" &&
  ok "backup --verify of an existing file" || bad "verify existing: $(cat "$D/v.err")"
[ "$(sha256sum <"$D/b1.db")" = "$sum1" ] && ok "verifying left the backup byte for byte as it was" || bad "verify changed the backup"
"$XF" backup "$D/b1.db" --db "$D/live/city.db" >/dev/null 2>"$D/e" ; rc=$?
[ $rc = 1 ] && grep -q 不会覆盖 "$D/e" && ok "a backup never overwrites a file" || bad "overwrite refusal: rc=$rc $(cat "$D/e")"

# Restore into a new instance: the copy and the original key file.
cp "$D/b1.db" "$D/restore/city.db"
install -m 0600 "$D/live/city.db.key" "$D/restore/city.db.key"
if start "$D/restore/city.db" "$D/s2"; then
  served=$(python3 - "$PORT" "$PW" "$D/b1.db" <<'PY'
import http.client, json, sqlite3, sys
port, pw = int(sys.argv[1]), sys.argv[2]
cid, title = sqlite3.connect(sys.argv[3]).execute(
    "SELECT id, title FROM cases ORDER BY id DESC LIMIT 1").fetchone()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.request("POST", "/api/session", json.dumps({"username": "admin", "password": pw}),
          {"Content-Type": "application/json"})
r = c.getresponse(); r.read()
cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie"][0].split(";")[0]
c.request("GET", f"/api/cases/{cid}", headers={"Cookie": cookie})
r = c.getresponse(); v = json.loads(r.read())
print("yes" if r.status == 200 and json.dumps(v, ensure_ascii=False).find(title) >= 0 else f"no {r.status}")
PY
)
  [ "$served" = yes ] && ok "the restored instance signs in and serves the newest case" || bad "restored instance: $served"
  stop
else
  bad "restored instance did not start: $(cat "$D/s2.err")"
fi
"$XF" backup "$D/r2.db" --db "$D/restore/city.db" --verify >"$D/r2.out" 2>"$D/r2.err" || bad "verify restored: $(cat "$D/r2.err")"
if [ -n "$(counts "$D/b1.out")" ] && [ "$(counts "$D/b1.out")" = "$(counts "$D/r2.out")" ]; then
  ok "restored counts and ledger totals equal the backup's: $(counts "$D/r2.out")"
else
  bad "counts differ: backup [$(counts "$D/b1.out")] restored [$(counts "$D/r2.out")]"
fi

# The checks can fail: a damaged page, an edited audit row, the wrong key.
cp "$D/b1.db" "$D/bad.db"
size=$(stat -c %s "$D/bad.db")
dd if=/dev/urandom of="$D/bad.db" bs=4096 seek=$((size / 4096 / 2)) count=2 conv=notrunc 2>/dev/null
"$XF" backup "$D/bad.db" --verify --key-file "$D/live/city.db.key" >/dev/null 2>"$D/e"; rc=$?
[ $rc = 1 ] && grep -q "损坏\|无法读取\|不是" "$D/e" && ok "a damaged backup is refused: $(head -1 "$D/e")" || bad "damaged backup: rc=$rc $(cat "$D/e")"
cp "$D/b1.db" "$D/edit.db"
# Chain whatever the copy holds unchained (as the server would have), then edit a chained row.
"$XF" audit verify --db "$D/edit.db" --key-file "$D/live/city.db.key" >/dev/null 2>&1 || bad "audit verify of the copy"
edited=$(sqlite3 "$D/edit.db" "UPDATE audit_log SET outcome = 'denied' WHERE id = (SELECT min(id) FROM audit_log WHERE hash IS NOT NULL); SELECT changes()")
[ "$edited" = 1 ] || bad "no chained audit row to edit"
"$XF" backup "$D/edit.db" --verify --key-file "$D/live/city.db.key" >/dev/null 2>"$D/e"; rc=$?
[ $rc = 1 ] && grep -q 审计 "$D/e" && ok "an edited audit row is found: $(head -1 "$D/e")" || bad "edited audit row: rc=$rc $(cat "$D/e")"
"$XF" init --db "$D/other.db" >/dev/null 2>&1
"$XF" backup "$D/b1.db" --verify --key-file "$D/other.db.key" >/dev/null 2>"$D/e"; rc=$?
[ $rc = 1 ] && grep -q 不匹配 "$D/e" && ok "the wrong key file is refused" || bad "wrong key: rc=$rc $(cat "$D/e")"

echo "backup: $pass passed, $fail failed"
[ "$fail" = 0 ]
