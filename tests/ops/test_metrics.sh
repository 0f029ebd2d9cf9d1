#!/usr/bin/env bash
# GET /metrics from the real binary, configured by a file (trusted proxy, metrics token): the
# loopback answer and the token answer are parsed by a Prometheus text-format parser
# (metrics_parse.mjs); a client behind the proxy without the token is refused.
# Usage: test_metrics.sh path/to/xingfu path/to/web node
set -u
XF=${1:?xingfu}; WEB=${2:?web dir}; NODE=${3:-node}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/xfmetrics.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$D"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
if [ ! -d "$WEB/node_modules/parse-prometheus-text-format" ]; then
  echo "FAIL - $WEB/node_modules/parse-prometheus-text-format is missing: run npm ci in web/"
  exit 1
fi

"$XF" demo --generate-only --db "$D/m.db" --password metricspass1 >/dev/null 2>&1 || { echo "FAIL - demo"; exit 1; }
cat >"$D/xingfu.conf" <<CONF
db = $D/m.db
listen = 127.0.0.1:0
access_log = -
trusted_proxies = 127.0.0.1
metrics_token = scrape-token-0123456789
CONF
"$XF" serve --config "$D/xingfu.conf" >"$D/out" 2>"$D/err" &
PID=$!
for _ in $(seq 100); do
  PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "${PORT:-}" ] && ok "server started from the config file" || { bad "server did not start: $(cat "$D/err")"; exit 1; }
U="http://127.0.0.1:$PORT"

curl -s -c "$D/jar" -o "$D/login.json" -H 'Content-Type: application/json' \
  -d '{"username":"jumin","password":"metricspass1"}' "$U/api/session"
CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login.json")
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$D/jar" -X PUT -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' -d '{"large_text":true}' "$U/api/me/preferences")
[ "$code" = 200 ] && ok "a write" || bad "a write: $code"
curl -s -o /dev/null "$U/api/no/such/thing"
curl -s -o /dev/null "$U/healthz"

code=$(curl -s -o "$D/local.txt" -w '%{http_code}' "$U/metrics")
[ "$code" = 200 ] && ok "loopback scrape answered" || bad "loopback scrape: $code"
if "$NODE" "$HERE/metrics_parse.mjs" "$WEB" "$D/local.txt" >"$D/parse.out" 2>&1; then
  ok "parsed by parse-prometheus-text-format: $(tail -1 "$D/parse.out")"
else
  bad "parser checks: $(grep -v '^ok' "$D/parse.out")"
fi
code=$(curl -s -o "$D/remote.json" -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.20' "$U/metrics")
[ "$code" = 403 ] && ok "a client behind the proxy without the token is refused" || bad "remote without token: $code"
code=$(curl -s -o "$D/token.txt" -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.20' \
  -H 'Authorization: Bearer scrape-token-0123456789' "$U/metrics")
[ "$code" = 200 ] && "$NODE" "$HERE/metrics_parse.mjs" "$WEB" "$D/token.txt" >/dev/null 2>&1 \
  && ok "with the metrics token it is answered and parses" || bad "remote with token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.20' \
  -H 'Authorization: Bearer scrape-token-wrong' "$U/metrics")
[ "$code" = 403 ] && ok "a wrong token is refused" || bad "wrong token: $code"

kill -TERM "$PID"; wait "$PID"; rc=$?; PID=""
[ "$rc" = 0 ] && ok "stopped cleanly" || bad "exit $rc"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
