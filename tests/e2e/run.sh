#!/usr/bin/env bash
# Browser tests: serve a fresh demo city on an ephemeral loopback port, run `node --test` on
# tests/e2e/ against it (headless Chromium through playwright-core), then stop the server.
#   run.sh path/to/xingfu path/to/web   (web/node_modules provides playwright-core, axe-core)
#   run.sh path/to/xingfu path/to/web SCRIPT.mjs ARGS...   runs SCRIPT instead (screenshots)
set -u
XF=${1:?usage: run.sh path/to/xingfu path/to/web}
WEB=${2:?usage: run.sh path/to/xingfu path/to/web}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/xfe2e.XXXXXX)
PW="e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$D"
}
trap cleanup EXIT

if [ ! -x /usr/bin/chromium ]; then
  echo "FAIL: /usr/bin/chromium is missing (bash scripts/deps.sh installs it)"
  exit 1
fi
if [ ! -d "$WEB/node_modules/playwright-core" ]; then
  echo "FAIL: $WEB/node_modules is missing (bash scripts/deps.sh runs npm ci)"
  exit 1
fi

if ! "$XF" demo --generate-only --db "$D/d.db" --password "$PW" >"$D/demo.out" 2>&1; then
  echo "FAIL: xingfu demo --generate-only"
  cat "$D/demo.out"
  exit 1
fi
"$XF" serve --db "$D/d.db" --listen 127.0.0.1:0 --access-log - >"$D/serve.out" 2>"$D/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 150); do
  PORT=$(sed -n 's|.*已启动：http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$D/serve.out" 2>/dev/null | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$PORT" ]; then
  echo "FAIL: xingfu serve did not start"
  cat "$D/serve.out" "$D/serve.err"
  exit 1
fi
echo "server on http://127.0.0.1:$PORT/ (pid $SERVER_PID)"

# The default outbox sender appends each message (SMS codes too) to <db>.outbox.log.
export BASE_URL="http://127.0.0.1:$PORT" XF_DEMO_PASSWORD="$PW" XF_WEB_DIR="$WEB" \
  XF_OUTBOX_LOG="$D/d.db.outbox.log"
if [ $# -gt 2 ]; then
  node "${@:3}"
else
  node --test --test-reporter=spec "$HERE"
fi
rc=$?
# Stop the server first so its output is complete.
kill -TERM "$SERVER_PID" 2>/dev/null
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
if [ "$rc" != 0 ]; then
  echo "--- server output"
  tail -n 40 "$D/serve.out" "$D/serve.err"
fi
exit "$rc"
