#!/usr/bin/env bash
# Group commit under load: 64 connections PUT /api/me/preferences (a durable write) for a
# few seconds; prints requests/s and how many jobs each commit (one fsync) carried.
# Usage: bench/group_commit.sh [build/xingfu] [seconds]
set -euo pipefail
XF=${1:-build/xingfu}
SECS=${2:-5}
D=$(mktemp -d /tmp/xfbench.XXXXXX)
trap 'kill $PID 2>/dev/null; rm -rf "$D"' EXIT
"$XF" demo --generate-only --db "$D/b.db" --password benchpass1 >/dev/null 2>&1
"$XF" serve --db "$D/b.db" --listen 127.0.0.1:0 --access-log - >"$D/out" 2>"$D/err" &
PID=$!
for _ in $(seq 100); do PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out"); [ -n "$PORT" ] && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT
curl -s -c "$D/jar" -H 'Content-Type: application/json' -d '{"username":"admin","password":"benchpass1"}' "$URL/api/session" >"$D/login"
CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login")
COOKIE=$(awk '/xf_session/ {print $7}' "$D/jar")
cat >"$D/put.lua" <<LUA
wrk.method = "PUT"
wrk.body = '{"large_text":true}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "xf_session=$COOKIE"
wrk.headers["X-CSRF-Token"] = "$CSRF"
LUA
before=$(curl -s -b "$D/jar" "$URL/api/system/status")
wrk -t2 -c64 -d"${SECS}s" -s "$D/put.lua" "$URL/api/me/preferences" | grep -E 'Requests/sec|Latency|requests in'
after=$(curl -s -b "$D/jar" "$URL/api/system/status")
python3 - "$before" "$after" <<'PY'
import json, sys
b, a = (json.loads(x)["writer"] for x in sys.argv[1:3])
jobs, commits = a["jobs"] - b["jobs"], a["commits"] - b["commits"]
print(f"writer: {jobs} jobs in {commits} commits = {jobs / max(commits, 1):.1f} jobs per commit (max batch {a['max_batch']})")
PY
