#!/usr/bin/env bash
# Crash test: clients post points transfers (single, batched, linked pairs, pending ones they
# then post) and residents file cases (tests/ops/xfload.py) while the server is killed with
# SIGKILL at random moments; after each kill the server is restarted and we check that every
# transfer and every case a client was told succeeded is in the database, `PRAGMA
# integrity_check` says ok, and `xingfu points verify` and `xingfu audit verify` pass. It
# ends with one line: kills, acknowledged writes, lost acknowledged writes (must be 0).
# `make test` runs a few rounds (ctest: bench_points_crash); `make crash` runs many.
# Votes: tests/ops/xfvotes.py opens votes as the community secretary and enters paper ballots;
# every acknowledged vote and ballot must be there after each kill too.
# Usage: bench/points_crash.sh [build/xingfu] [rounds]
set -euo pipefail
XF=${1:-build/xingfu}
HERE=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${2:-5}
D=$(mktemp -d /tmp/xfcrash.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$D"' EXIT
"$XF" demo --generate-only --db "$D/c.db" --password crashpass1 >/dev/null 2>&1
sqlite3 "$D/c.db" "INSERT INTO meta(key, value) VALUES ('points.gift_daily_limit', '1000000')
  ON CONFLICT(key) DO UPDATE SET value = excluded.value"

start() {
  : >"$D/out"
  "$XF" serve --db "$D/c.db" --listen 127.0.0.1:0 --access-log - >"$D/out" 2>>"$D/err" &
  PID=$!
  for _ in $(seq 200); do
    PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out")
    [ -n "$PORT" ] && return 0
    sleep 0.05
  done
  echo "server did not start: $(cat "$D/err")" >&2
  exit 1
}

start
# Fund the member through the rules engine: an approved award (cap raised for the run).
python3 - "$PORT" "$D/c.db" "$D/creds.json" <<'PY'
import http.client, json, sqlite3, sys
port, dbpath, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def login(u):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/session", json.dumps({"username": u, "password": "crashpass1"}),
              {"Content-Type": "application/json"})
    r = c.getresponse(); body = json.loads(r.read())
    cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie"][0].split(";")[0]
    return {"Cookie": cookie, "X-CSRF-Token": body["csrf"], "Content-Type": "application/json"}
def call(h, m, p, b=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(m, p, json.dumps(b) if b is not None else None, h)
    r = c.getresponse(); return r.status, json.loads(r.read() or b"null")
h = {u: login(u) for u in ("admin", "shenpi", "dangyuan", "jumin")}
db = sqlite3.connect(dbpath)
person = db.execute("SELECT person_id FROM users WHERE username = 'dangyuan'").fetchone()[0]
rule = db.execute("SELECT id FROM points_rules WHERE code = 'manual_award'").fetchone()[0]
call(h["admin"], "PATCH", f"/api/points/rules/{rule}", {"cap_per_outcome": 100000})
s, a = call(h["admin"], "POST", "/api/points/awards",
            {"kind": "award", "person_id": person, "amount": 100000, "reason": "崩溃测试用积分"})
assert s == 201, a
s, _ = call(h["shenpi"], "POST", f"/api/points/awards/{a['id']}/approve")
assert s == 200
acct = lambda u: [x["id"] for x in call(h[u], "GET", "/api/points/accounts?owner=me")[1]["items"]
                  if x["kind"] == "person"][0]
json.dump({"headers": h["dangyuan"], "from": acct("dangyuan"), "to": acct("jumin")}, open(out, "w"))
PY

# The clients: 6 threads, each on its own keep-alive connection, until the server dies.
cat >"$D/client.py" <<'PY'
import http.client, json, random, sys, threading
port, creds, log, rnd = int(sys.argv[1]), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
lock = threading.Lock()
out = open(log, "a")
def client(k):
    rng = random.Random(f"{rnd}-{k}")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while True:
        items, kind = [], rng.random()
        size = 1 if kind < 0.5 else rng.randint(2, 40)
        for i in range(size):
            n += 1
            t = {"id": f"c{rnd}-{k}-{n}", "debit_account": creds["from"],
                 "credit_account": creds["to"], "amount": 1, "code": "gift"}
            if kind > 0.9 and i % 2 == 0 and i + 1 < size:
                t["linked"] = True
            if 0.8 < kind <= 0.9:
                t["pending"] = True; t["timeout_s"] = 3600
            items.append(t)
        try:
            c.request("POST", "/api/points/transfers", json.dumps({"transfers": items}),
                      creds["headers"])
            r = c.getresponse(); body = r.read()
        except Exception:
            return
        if r.status != 200:
            continue
        ok = [x["id"] for x in json.loads(body)["results"] if x["result"] == "ok"]
        posts = [{"id": f"p-{i}", "post_pending_id": i} for i in ok if 0.8 < kind <= 0.9]
        if posts:
            try:
                c.request("POST", "/api/points/transfers", json.dumps({"transfers": posts}),
                          creds["headers"])
                r2 = c.getresponse(); b2 = r2.read()
            except Exception:
                posts = []
            else:
                ok += [x["id"] for x in json.loads(b2)["results"] if x["result"] == "ok"] \
                    if r2.status == 200 else []
        with lock:
            for i in ok:
                out.write(i + "\n")
            out.flush()
threads = [threading.Thread(target=client, args=(k,)) for k in range(6)]
for t in threads: t.start()
for t in threads: t.join()
PY

fail=0
lost=0
for round in $(seq "$ROUNDS"); do
  [ "$round" = 1 ] || start
  python3 "$D/client.py" "$PORT" "$D/creds.json" "$D/ok.log" "$round" &
  CL=$!
  python3 "$HERE/../tests/ops/xfload.py" "$PORT" crashpass1 "$D/cases.log" 60 3 0.3 &
  CL2=$!
  python3 "$HERE/../tests/ops/xfvotes.py" "$PORT" crashpass1 "$D/votes.log" 60 0.3 &
  CL3=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(0.4, 2.0), 2))")"
  kill -9 "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  wait "$CL" || true
  wait "$CL2" || true
  wait "$CL3" || true
  seen=$(sort -u "$D/ok.log" | wc -l)
  cases=$(grep -c '^case ' "$D/cases.log" 2>/dev/null || echo 0)
  missing=$(python3 - "$D/c.db" "$D/ok.log" "$D/cases.log" "$D/votes.log" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
have = {r[0] for r in db.execute("SELECT id FROM points_transfers")}
lost = sum(1 for i in set(open(sys.argv[2]).read().split()) if i not in have)
titles = dict(db.execute("SELECT id, title FROM cases"))
if os.path.exists(sys.argv[3]):
    for line in open(sys.argv[3]).read().splitlines():
        _, i, t = line.split(" ", 2)
        lost += titles.get(int(i)) != t
votes = {r[0] for r in db.execute("SELECT id FROM gov_votes")}
ballots = dict(db.execute("SELECT id, vote_id FROM gov_paper_ballots"))
if os.path.exists(sys.argv[4]):
    for line in open(sys.argv[4]).read().splitlines():
        w = line.split()
        if w[0] == "vote":
            lost += int(w[1]) not in votes
        elif w[0] == "ballot":
            lost += ballots.get(int(w[1])) != int(w[2])
print(lost)
PY
)
  integrity=$(sqlite3 "$D/c.db" "PRAGMA integrity_check")
  if "$XF" points verify --db "$D/c.db" >"$D/verify" 2>&1; then verified=yes; else verified=no; fi
  if "$XF" audit verify --db "$D/c.db" >>"$D/verify" 2>&1; then audited=yes; else audited=no; fi
  ballots=$(grep -c '^ballot ' "$D/votes.log" 2>/dev/null || echo 0)
  echo "round $round: $seen transfers, $cases cases and $ballots paper ballots answered ok so far, $missing missing," \
    "integrity $integrity, points verify $verified, audit verify $audited"
  if [ "$missing" != 0 ] || [ "$integrity" != ok ] || [ "$verified" != yes ] || [ "$audited" != yes ]; then
    cat "$D/verify"; fail=1; lost=$((lost + missing))
  fi
done
transfers=$(sort -u "$D/ok.log" | wc -l)
cases=$(grep -c '^case ' "$D/cases.log" 2>/dev/null || echo 0)
ballots=$(grep -c '^ballot ' "$D/votes.log" 2>/dev/null || echo 0)
votes=$(grep -c '^vote ' "$D/votes.log" 2>/dev/null || echo 0)
[ "$ballots" -gt 0 ] || { echo "no paper ballot was ever answered ok"; fail=1; }
[ "$transfers" -gt 0 ] || { echo "no transfer was ever answered ok"; fail=1; }
[ "$cases" -gt 0 ] || { echo "no case was ever answered ok"; fail=1; }
echo "kills survived: $ROUNDS; acknowledged writes: $((transfers + cases + votes + ballots)) ($transfers transfers, $cases cases, $votes votes, $ballots paper ballots); lost acknowledged writes: $lost"
[ "$fail" = 0 ] && echo "crash test passed: $ROUNDS kills" || echo "crash test FAILED"
exit $fail
