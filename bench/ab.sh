#!/usr/bin/env bash
# Before/after: two xingfu binaries on the same database and the same reads, run in turn
# (A B A B …) so that a shared machine's noise falls on both alike; prints the median
# requests/s, p99 and server CPU time per request of each. The database must suit both binaries' schema version.
# Usage: bench/ab.sh BINARY_A BINARY_B DB [seconds per run, 3] [rounds, 3] [endpoints…]
# DB may be DB_A,DB_B: a copy for each side (a migration's before and after).
# Endpoints: case children people coverage coverage_live (path lists drawn from DB as bench/run.sh
# does; coverage_live = a community's, counted live), people_name (a whole name in its
# community), people_street (a surname in a street).
set -euo pipefail
A=$1 B=$2 DB=${3%%,*} DB_B=${3#*,} SECS=${4:-3} ROUNDS=${5:-3}
shift $(( $# < 5 ? $# : 5 ))
EPS=${*:-case children}
BENCH=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/xfab.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$D"' EXIT
sqlite3 "$DB" "SELECT '/api/cases/' || id FROM cases ORDER BY random() LIMIT 200" >"$D/case"
sqlite3 "$DB" "SELECT '/api/places/' || id || '/children' FROM places
  WHERE kind IN ('community', 'grid', 'building') ORDER BY random() LIMIT 200" >"$D/children"
sqlite3 "$DB" "SELECT '/api/people?place=' || id || '&q=%E5%BC%A0&limit=20' FROM places
  WHERE kind = 'community' ORDER BY random() LIMIT 200" >"$D/people"
# A whole name in its community and a surname in its street (the console's other searches).
python3 - "$DB" "$D" <<'PY'
import sqlite3, sys, urllib.parse
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("SELECT community_id, street_id, name FROM people WHERE community_id IS NOT NULL"
                  " AND street_id IS NOT NULL ORDER BY random() LIMIT 200").fetchall()
with open(f"{sys.argv[2]}/people_name", "w") as f:
    for c, s, n in rows:
        f.write(f"/api/people?place={c}&q={urllib.parse.quote(n)}&limit=20\n")
with open(f"{sys.argv[2]}/people_street", "w") as f:
    for c, s, n in rows:
        f.write(f"/api/people?place={s}&q={urllib.parse.quote(n[0])}&limit=20\n")
PY
sqlite3 "$DB" "SELECT '/api/reports/coverage?place=' || id FROM places WHERE kind = 'street'" >"$D/coverage"
sqlite3 "$DB" "SELECT '/api/reports/coverage?place=' || id FROM places WHERE kind = 'community'
  ORDER BY random() LIMIT 200" >"$D/coverage_live"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=$A db=$DB; [ $side = B ] && bin=$B db=$DB_B
    "$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log - >/dev/null 2>&1 &
    PID=$!
    for _ in $(seq 500); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
    cookie=$(curl -s -c - -H 'Content-Type: application/json' \
      -d '{"username":"admin","password":"benchpass1"}' "http://127.0.0.1:$port/api/session" |
      awk '/xf_session/ {print $7}')
    for ep in $EPS; do
      wrk -t2 -c16 -d1s -s "$BENCH/wrk/paths.lua" "http://127.0.0.1:$port" -- "$D/$ep" "$cookie" >/dev/null 2>&1
      t0=$(awk '{print $14 + $15}' /proc/$PID/stat)
      line=$(wrk -t2 -c64 -d"${SECS}s" -s "$BENCH/wrk/paths.lua" "http://127.0.0.1:$port" -- "$D/$ep" "$cookie" |
        sed -n "s/^BENCH //p")
      t1=$(awk '{print $14 + $15}' /proc/$PID/stat)
      # The server's CPU time per answer (user + system, all threads): the figure that
      # the other work on a shared machine disturbs least.
      echo "$side $ep ${line%\}},\"cpu_ticks\":$((t1 - t0)),\"hz\":$(getconf CLK_TCK)}" >>"$D/out"
    done
    kill $PID; wait $PID 2>/dev/null || true; PID=""
  done
done
python3 - "$D/out" "$A" "$B" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    side, ep, js = line.split(" ", 2)
    runs.setdefault((ep, side), []).append(json.loads(js))
print(f"A = {sys.argv[2]}\nB = {sys.argv[3]}\n64 connections, median of {len(next(iter(runs.values())))} runs")
for (ep, side), rs in sorted(runs.items()):
    print(f"{ep:9} {side}: {statistics.median(r['rps'] for r in rs):9,.0f} req/s  "
          f"p50 {statistics.median(r['p50'] for r in rs):6.2f} ms  p99 {statistics.median(r['p99'] for r in rs):6.2f} ms"
          f"  CPU {statistics.median(1e6 * r['cpu_ticks'] / r['hz'] / max(r['requests'], 1) for r in rs):6.1f} µs/req"
          f"  (each: {', '.join(format(r['rps'], ',.0f') for r in rs)})")
PY
