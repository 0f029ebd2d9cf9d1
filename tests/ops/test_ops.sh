#!/usr/bin/env bash
# Operating the binary: `config check` (exit 0 / exit 1 with "第 N 行 / line N" and the
# reason), --config for every command, a bad file stops serve before it listens, the file's
# database settings applied at start, SIGHUP (settings reloaded, access log reopened, a bad
# file changes nothing), and migrate --dry-run changing nothing.
set -u
XF=${1:?usage: test_ops.sh path/to/xingfu}
D=$(mktemp -d /tmp/xfops.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$D"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
expect_exit() {
  local want=$1 name=$2; shift 3
  "$@" >"$D/out" 2>"$D/err"; local got=$?
  [ "$got" = "$want" ] && ok "$name (exit $got)" || bad "$name: exit $got, want $want: $(cat "$D/err")"
}
expect_grep() { grep -q -- "$2" "$3" && ok "$1" || bad "$1: '$2' not in $(head -c 600 "$3")"; }

# ---- config check ----
cat >"$D/good.conf" <<'CONF'
# 区政务云
listen = 127.0.0.1:0
access_log = -
session_idle_minutes = 20
sla.general = 12h / 5d
points.gift_daily_limit = 500
CONF
expect_exit 0 "config check of a good file" -- "$XF" config check "$D/good.conf"
expect_grep "config check says OK" "正确" "$D/out"
printf 'listen = 127.0.0.1:0\nbogus_key = 1\nthreads = many\n\nsla.general = 8d / 1d\nthreads = 4\nfund.budget = 10\nnot a setting\n' >"$D/bad.conf"
expect_exit 1 "config check of a bad file" -- "$XF" config check "$D/bad.conf"
expect_grep "names line 2: unknown key" "第 2 行 / line 2：unknown_key：未知的设置项 bogus_key" "$D/err"
expect_grep "names line 3: bad value" "第 3 行 / line 3：bad_value：threads = many：应为 1 到 64 之间的整数" "$D/err"
expect_grep "names line 5: dispatch after feedback" "第 5 行 / line 5：bad_value：.*受理时限不能长于答复时限" "$D/err"
expect_grep "names line 6: duplicate" "第 6 行 / line 6：duplicate_key：threads 已在第 3 行设置过" "$D/err"
expect_grep "names line 7: no such fund key" "第 7 行 / line 7：unknown_key" "$D/err"
expect_grep "names line 8: syntax" "第 8 行 / line 8：syntax" "$D/err"
[ "$(grep -c '第 [0-9]* 行 / line' "$D/err")" = 6 ] && ok "exactly the six bad lines" || bad "bad lines: $(cat "$D/err")"
expect_exit 1 "config check of a missing file" -- "$XF" config check "$D/none.conf"
expect_grep "missing file message" "无法读取配置文件" "$D/err"
printf 'listen = 127.0.0.1:0\n\xff\xfe = 1\n' >"$D/binary.conf"
expect_exit 1 "config check of a non-UTF-8 line" -- "$XF" config check "$D/binary.conf"
expect_grep "non-UTF-8 named" "第 2 行 / line 2：bad_encoding" "$D/err"
expect_exit 0 "config keys" -- "$XF" config keys
expect_grep "keys list sla.*" "^sla\.\*" "$D/out"
expect_exit 2 "config without a subcommand" -- "$XF" config
expect_exit 0 "help config" -- "$XF" help config

# ---- --config for every command ----
"$XF" demo --generate-only --db "$D/c.db" --password opspass123 >/dev/null 2>&1 || bad "demo"
printf 'db = %s\n' "$D/c.db" >>"$D/good.conf"
expect_exit 0 "audit verify reads db from --config" -- "$XF" audit verify --config "$D/good.conf"
XINGFU_CONFIG="$D/good.conf" expect_exit 0 "XINGFU_CONFIG is honoured" -- "$XF" points verify
expect_exit 1 "a command refuses a bad --config" -- "$XF" migrate --config "$D/bad.conf" --db "$D/c.db"
expect_grep "and says how to check it" "xingfu config check" "$D/err"
expect_exit 1 "serve refuses a bad --config" -- "$XF" serve --config "$D/bad.conf" --db "$D/c.db"
grep -q "已启动" "$D/out" && bad "serve listened with a bad file" || ok "before listening"

# ---- migrate --dry-run ----
sum=$(sha256sum "$D/c.db")
expect_exit 0 "migrate --dry-run on a current database" -- "$XF" migrate --dry-run --config "$D/good.conf"
expect_grep "nothing to do" "无需迁移" "$D/out"
[ "$(sha256sum "$D/c.db")" = "$sum" ] && ok "dry run left the file as it was" || bad "dry run changed the file"
expect_exit 1 "migrate --dry-run on a missing database" -- "$XF" migrate --dry-run --db "$D/none.db"

# ---- serve with the file; SIGHUP ----
"$XF" serve --config "$D/good.conf" --access-log "$D/access.log" >"$D/serve.out" 2>"$D/serve.err" &
PID=$!
PORT=""
for _ in $(seq 100); do
  PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/serve.out"); [ -n "$PORT" ] && break; sleep 0.1
done
[ -n "$PORT" ] && ok "serve --config started" || bad "serve: $(cat "$D/serve.err")"
v() { sqlite3 "$D/c.db" "$1"; }
[ "$(v "SELECT value FROM meta WHERE key = 'points.gift_daily_limit'")" = 500 ] && ok "points.gift_daily_limit applied at start" || bad "gift limit at start"
[ "$(v "SELECT dispatch_s || '/' || feedback_s FROM case_tiers WHERE tier = 'general'")" = "43200/432000" ] && ok "sla.general applied at start" || bad "sla at start"
[ "$(v "SELECT count(*) FROM audit_log WHERE action = 'config.apply'")" -ge 1 ] && ok "applying the file is audited" || bad "no config.apply audit row"
curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"
sed -i 's/points.gift_daily_limit = 500/points.gift_daily_limit = 800/; s/threads = 4//' "$D/good.conf"
echo "threads = 2" >>"$D/good.conf"
mv "$D/access.log" "$D/access.log.1"
kill -HUP "$PID"; sleep 0.5
[ "$(v "SELECT value FROM meta WHERE key = 'points.gift_daily_limit'")" = 800 ] && ok "SIGHUP applies the new value" || bad "gift limit after SIGHUP"
expect_grep "SIGHUP names a setting that needs a restart" "threads 已修改，需要重启" "$D/serve.err"
curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"
sleep 0.2
[ -s "$D/access.log" ] && ok "SIGHUP reopened the access log (logrotate)" || bad "access log not reopened"
echo "points.gift_daily_limit = 900" >>"$D/good.conf"   # a duplicate: the file is now bad
kill -HUP "$PID"; sleep 0.5
[ "$(v "SELECT value FROM meta WHERE key = 'points.gift_daily_limit'")" = 800 ] && ok "a bad file on SIGHUP changes nothing" || bad "bad file was applied"
expect_grep "and the log says why" "duplicate_key" "$D/serve.err"
curl -s "http://127.0.0.1:$PORT/metrics" >"$D/metrics"
expect_grep "reloads counted ok" 'xingfu_config_reloads_total{outcome="ok"} 1' "$D/metrics"
expect_grep "reloads counted failed" 'xingfu_config_reloads_total{outcome="failed"} 1' "$D/metrics"
kill -TERM "$PID"; wait "$PID"; rc=$?; PID=""
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || bad "exit $rc"
expect_grep "says it stopped" "已停止" "$D/serve.out"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
