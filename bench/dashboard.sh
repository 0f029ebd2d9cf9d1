#!/usr/bin/env bash
# 数据驾驶舱 at city scale: how long the rollup takes to count and store, then p50/p95 over
# loopback of the dashboard (city root and a street from the rollup; a community and a grid
# counted live), the seed's table, records behind a figure, and GET /healthz as the same
# run's reference. Usage: bench/dashboard.sh [build/xingfu] [requests per endpoint] [city db]
# (default: bench/.city.db, generated if missing, as bench/registry.sh does).
set -euo pipefail
XF=${1:-build/xingfu}
N=${2:-50}
DIR=$(cd "$(dirname "$0")" && pwd)
DB=${3:-$DIR/.city.db}
if [ ! -f "$DB" ]; then
  "$XF" demo --scale city --generate-only --password benchpass1 --db "$DB" >/dev/null 2>&1
fi
"$XF" migrate --db "$DB" >/dev/null 2>&1
OUT=$(mktemp)
"$XF" serve --db "$DB" --listen 127.0.0.1:0 --access-log /dev/null >"$OUT" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT" "$OUT".*' EXIT
for _ in $(seq 100); do PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$OUT"); [ -n "$PORT" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT
# the first rollup starts with the server
for _ in $(seq 600); do grep -aq 'dashboard rollup' "$OUT" && break; sleep 0.5; done
grep -a 'dashboard rollup' "$OUT" | sed 's/.*info //'
for u in admin jiedao shequ wangge; do
  curl -s -c "$OUT.$u" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$u\",\"password\":\"benchpass1\"}" "$URL/api/session" >/dev/null
done
measure() { # name user path
  for _ in $(seq "$N"); do curl -s -b "$OUT.$2" -o /dev/null -w '%{time_total}\n' "$URL$3"; done |
    sort -n | awk -v name="$1" '{a[NR]=$1} END {printf "%-40s p50 %6.1f ms  p95 %6.1f ms  (n=%d)\n", name, a[int(NR*0.5)+0]*1000, a[int(NR*0.95)]*1000, NR}'
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
measure "dashboard, city root (rollup)" admin "/api/dashboard"
measure "dashboard, a street (rollup)" jiedao "/api/dashboard"
measure "dashboard, a community" shequ "/api/dashboard"
measure "dashboard, a grid (live)" wangge "/api/dashboard"
measure "seed's figures, city root" admin "/api/dashboard/seed"
measure "records of a figure, city root (page 1)" admin "/api/dashboard/records?figure=party_orgs"
measure "records of a figure, a community" shequ "/api/dashboard/records?figure=population"
measure "reference: GET /healthz" admin "/healthz"
