#!/usr/bin/env bash
# Registry at city scale: generation time and database size, then p50/p95 of the coverage
# report (city root, a street, a community) and of a place's children, over loopback.
# Usage: bench/registry.sh [build/xingfu] [requests per endpoint]; reuses bench/.city.db if
# present (delete it to time generation again).
set -euo pipefail
XF=${1:-build/xingfu}
N=${2:-50}
DIR=$(cd "$(dirname "$0")" && pwd)
DB=$DIR/.city.db
if [ ! -f "$DB" ]; then
  start=$(date +%s.%N)
  "$XF" demo --scale city --generate-only --password benchpass1 --db "$DB" >/dev/null 2>&1
  end=$(date +%s.%N)
  printf 'generation (city scale): %.1f s, database %s\n' "$(echo "$end - $start" | bc)" \
    "$(du -h "$DB" | cut -f1)"
fi
sqlite3 "$DB" "SELECT 'places ' || (SELECT count(*) FROM places) || ', people ' || (SELECT count(*) FROM people) || ', party members ' || (SELECT count(*) FROM party_members) || ', organisations ' || (SELECT count(*) FROM orgs)"
OUT=$(mktemp)
"$XF" serve --db "$DB" --listen 127.0.0.1:0 --access-log - >"$OUT" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT" "$OUT.jar"' EXIT
for _ in $(seq 100); do PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$OUT"); [ -n "$PORT" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT
curl -s -c "$OUT.jar" -H 'Content-Type: application/json' -d '{"username":"admin","password":"benchpass1"}' "$URL/api/session" >/dev/null
street=$(sqlite3 "$DB" "SELECT id FROM places WHERE code = '420203009000'")
community=$(sqlite3 "$DB" "SELECT id FROM places WHERE code = '420203009002'")
measure() { # name path
  for _ in $(seq "$N"); do curl -s -b "$OUT.jar" -o /dev/null -w '%{time_total}\n' "$URL$2"; done |
    sort -n | awk -v name="$1" '{a[NR]=$1} END {printf "%-34s p50 %6.1f ms  p95 %6.1f ms  (n=%d)\n", name, a[int(NR*0.5)+0]*1000, a[int(NR*0.95)]*1000, NR}'
}
measure "coverage, city root (rollup)" "/api/reports/coverage?place=1"
measure "coverage, a street (rollup)" "/api/reports/coverage?place=$street"
measure "coverage, a community (live)" "/api/reports/coverage?place=$community"
measure "children of the city root" "/api/places/1/children"
measure "children of a community" "/api/places/$community/children"
measure "reference: GET /healthz" "/healthz"
