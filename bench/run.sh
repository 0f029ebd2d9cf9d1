#!/usr/bin/env bash
# The benchmark suite (`make bench`): xingfu on the city-scale demo database over loopback,
# driven by wrk with Lua scripts (bench/wrk/), beside the same run's references:
#   - nginx serving a JSON file the size of a case (the HTTP ceiling on this machine);
#   - the peer (bench/peer/: Node.js + Fastify + better-sqlite3, the same endpoints doing
#     the same work on the same database);
#   - raw SQLite, one INSERT per COMMIT with the writer's synchronous=FULL (bench/points.sh);
# then durable writes (case creation and points transfers, single and batched), server
# memory under load, binary size, start-up time, and the same reads on the small city.
# Prints one report and writes it to bench/results/<date>.md.
#
# Usage: bench/run.sh BUILD_DIR [seconds per measurement, default 10]
# The city database is generated once into BUILD_DIR/city.db (~2 min, ~1.4 GB) and reused
# while its schema version matches the migrations this binary embeds.
# Benchmarks are not tests: nothing here fails on slow figures.
set -euo pipefail
BUILD=${1:?usage: bench/run.sh BUILD_DIR [seconds]}
SECS=${2:-${BENCH_SECONDS:-10}}
CONNS=${BENCH_CONNS:-16 64 256}
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
XF=${BENCH_XINGFU:-$BUILD/xingfu} # another binary on the same cached city: BENCH_XINGFU=…
CITY=$BUILD/city.db
PASS=benchpass1
D=$(mktemp -d /tmp/xfbench.XXXXXX)
chmod 755 "$D"
RES=$D/results.jsonl
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$D"
}
trap cleanup EXIT
say() { printf '%s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
record() { printf '%s\n' "$1" >>"$RES"; } # one JSON object per line, rendered by report.py

[ -x "$XF" ] || { say "bench: no $XF (build it first)"; exit 1; }
for t in wrk sqlite3 python3 node; do command -v $t >/dev/null || { say "bench: $t missing (bench/deps.sh)"; exit 1; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

record "$(python3 - "$XF" "$ROOT" <<'PY'
import json, os, subprocess, sys, time
xf, root = sys.argv[1:3]
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception: return ""
print(json.dumps({"kind": "env", "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
  "load": open("/proc/loadavg").read().split()[:3], "cpus": os.cpu_count(),
  "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
  "kernel": sh("uname -r"), "rev": sh(f"git -C {root} rev-parse --short HEAD") +
  (" (+ uncommitted changes)" if sh(f"git -C {root} status --porcelain -- src") else ""),
  "binary": os.path.getsize(xf), "sqlite": sh("sqlite3 --version").split(" ")[0],
  "wrk": sh("wrk -v 2>&1 | head -1").split(" [")[0], "node": sh("node --version"),
  "nginx": sh("nginx -v 2>&1 || /usr/sbin/nginx -v 2>&1").replace("nginx version: ", "")}))
PY
)"
say "== load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# ---- the city database: generated once, reused while the schema version matches ----
# The binary's own schema version: what it writes into a fresh (small) demo database,
# which the small-city runs below use anyway.
"$XF" demo --generate-only --password "$PASS" --db "$D/small.db" >/dev/null 2>&1
want=$(sqlite3 "$D/small.db" "SELECT value FROM meta WHERE key = 'schema_version'")
have=$(sqlite3 "$CITY" "SELECT value FROM meta WHERE key = 'schema_version'" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  say "== generating the city-scale demo database (schema $want; cached: ${have:-none}) into $CITY"
  rm -f "$CITY" "$CITY-wal" "$CITY-shm" "$CITY.key"
  t0=$(now_ms)
  "$XF" demo --scale city --generate-only --password "$PASS" --db "$CITY" >"$D/gen.log" 2>&1 ||
    { tail -5 "$D/gen.log" >&2; exit 1; }
  record "{\"kind\":\"generation\",\"seconds\":$(( ($(now_ms) - t0) / 1000 ))}"
fi
record "$(sqlite3 "$CITY" "SELECT json_object('kind', 'city', 'bytes', $(stat -c %s "$CITY"),
  'places', (SELECT count(*) FROM places), 'people', (SELECT count(*) FROM people),
  'cases', (SELECT count(*) FROM cases))")"

SERVER_PID=""
serve() { # db → starts xingfu, sets SERVER_PID and URL; records nothing
  local port; port=$(free_port)
  "$XF" serve --db "$1" --listen "127.0.0.1:$port" --access-log - >"$D/serve.out" 2>"$D/serve.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  URL=http://127.0.0.1:$port
  for _ in $(seq 1000); do curl -sf "$URL/healthz" >/dev/null 2>&1 && return 0; sleep 0.005; done
  say "bench: xingfu did not start"; cat "$D/serve.err" >&2; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
login() { # url user → cookie (and $D/csrf.<user>)
  curl -s -c "$D/jar.$2" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$PASS\"}" "$1/api/session" >"$D/login.$2"
  sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login.$2" >"$D/csrf.$2"
  awk '/xf_session/ {print $7}' "$D/jar.$2"
}

# ---- start-up time on the city database: launch to the first answered /healthz ----
python3 - "$XF" "$CITY" "$(free_port)" >>"$RES" <<'PY'
import http.client, json, subprocess, sys, time
xf, db, port = sys.argv[1:4]
for _ in range(5):
    t0 = time.perf_counter()
    p = subprocess.Popen([xf, "serve", "--db", db, "--listen", f"127.0.0.1:{port}", "--access-log", "-"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ms = None
    while p.poll() is None and time.perf_counter() - t0 < 30:
        try:
            c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                ms = (time.perf_counter() - t0) * 1000
                break
        except OSError:
            time.sleep(0.001)
    p.terminate(); p.wait()
    print(json.dumps({"kind": "startup", "ms": ms}))
PY

# ---- the request mixes (path lists; bench/wrk/paths.lua takes turns through them) ----
mkpaths() { # db dir
  local db=$1 out=$2; mkdir -p "$out"
  sqlite3 "$db" "SELECT '/api/cases/' || id FROM cases ORDER BY random() LIMIT 200" >"$out/case"
  sqlite3 "$db" "SELECT '/api/places/' || id || '/children' FROM places
    WHERE kind IN ('community', 'grid', 'building') ORDER BY random() LIMIT 200" >"$out/children"
  sqlite3 "$db" "WITH s(q) AS (VALUES ('%E5%BC%A0'), ('%E7%8E%8B'), ('%E6%9D%8E'), ('%E5%88%98'), ('%E9%99%88'))
    SELECT '/api/people?place=' || p.id || '&q=' || s.q || '&limit=20' FROM places p, s
    WHERE p.kind = 'community' ORDER BY random() LIMIT 200" >"$out/people"
  sqlite3 "$db" "SELECT '/api/reports/coverage?place=' || id FROM places WHERE kind = 'street'
    ORDER BY random() LIMIT 200" >"$out/coverage"
  sqlite3 "$db" "SELECT '/api/reports/coverage?place=' || id FROM places WHERE kind = 'community'
    ORDER BY random() LIMIT 200" >"$out/coverage_live"
  sqlite3 "$db" "SELECT '/api/dashboard?place=' || id FROM places WHERE kind IN ('city', 'district', 'street')
    ORDER BY random() LIMIT 200" >"$out/dashboard"
  # A console-like mix: lists and cards weighted over reports.
  { head -60 "$out/case"; head -60 "$out/children"; head -40 "$out/people"; head -20 "$out/coverage"; } |
    shuf --random-source=<(yes) >"$out/mix"
}
mkpaths "$CITY" "$D/city"

RSS_PEAK=0
cpu_of() { # pids… → clock ticks of CPU (user + system, all threads, the process and its children)
  local total=0 p c
  for p in "$@"; do
    for c in $p $(pgrep -P "$p" 2>/dev/null); do
      total=$((total + $(awk '{print $14 + $15}' /proc/$c/stat 2>/dev/null || echo 0)))
    done
  done
  echo $total
}
rss_of() { # pids… → kB (the process and its children)
  local total=0 p c
  for p in "$@"; do
    for c in $p $(pgrep -P "$p" 2>/dev/null); do
      total=$((total + $(awk '/^VmRSS/ {print $2}' /proc/$c/status 2>/dev/null || echo 0)))
    done
  done
  echo $total
}
# A point where xingfu sits idle under load (seen a few times at 256 connections, cause not
# known: docs/PERFORMANCE.md): while wrk runs, a second in which the server used less than
# a tenth of a core has its threads' states and stacks written down once (gdb, if present)
# to bench/results/stall-<time>-<endpoint>-<conns>.txt.
stall_watch() { # pid endpoint conns url marker-file (gets the stall file's name)
  local pid=$1 prev now f port=${4##*:} w; prev=$(cpu_of "$pid"); sleep 1.5
  while :; do
    sleep 1; now=$(cpu_of "$pid")
    if [ $((now - prev)) -lt $(( $(getconf CLK_TCK) / 10 )) ]; then
      f=$ROOT/bench/results/stall-$(date -u +%Y%m%dT%H%M%S)-$2-$3.txt
      { echo "# xingfu $pid idle under load: $((now - prev)) ticks in 1 s ($2, $3 connections)"
        for t in /proc/"$pid"/task/*; do
          echo "$(basename "$t") $(cat "$t/comm") state=$(awk '{print $3}' "$t/stat") wchan=$(cat "$t/wchan")"
        done
        # Both ends of the connections: the server's sockets (state, unread and unsent bytes;
        # the listening socket's Recv-Q is its accept queue), and wrk's.
        echo "## sockets on port $port (ss -tan): state count, Recv-Q and Send-Q summed"
        ss -tanH "( sport = :$port or dport = :$port )" |
          awk '{n[$1]++; r[$1]+=$2; q[$1]+=$3} END {for (k in n) print k, n[k], "recvq", r[k], "sendq", q[k]}'
        echo "## the server's side, first 20 sockets with unread bytes"
        ss -tanH "( sport = :$port )" | awk '$2 > 0' | head -20
        echo "## TcpExt counters that would show drops"
        nstat -az 2>/dev/null | grep -E 'ListenOverflows|ListenDrops|TCPReqQFull|SyncookiesSent|TCPBacklogDrop|TCPTimeouts' || true
        for w in $(pgrep -x wrk); do
          echo "## wrk $w"
          for t in /proc/"$w"/task/*; do
            echo "$(basename "$t") state=$(awk '{print $3}' "$t/stat") wchan=$(cat "$t/wchan") cpu=$(awk '{print $14 + $15}' "$t/stat")"
          done
        done
        command -v gdb >/dev/null && gdb -batch -p "$pid" -ex "thread apply all bt" 2>&1 | grep -v '^\[New LWP'
      } >"$f" 2>&1
      echo "$f" >"$5"
      say "   (idle under load: threads' stacks in ${f#"$ROOT"/})"
      return
    fi
    prev=$now
  done
}
wrk_run() { # target endpoint conns url pathsfile cookie pid-for-rss
  local target=$1 ep=$2 c=$3 url=$4 paths=$5 cookie=$6 pid=$7 peak=0 watcher out stall=""
  out=$D/wrk.$target.$ep.$c
  ( while :; do rss_of "$pid"; sleep 0.25; done ) >"$out.rss" 2>/dev/null &
  watcher=$!
  if [ "$target" = xingfu ]; then stall_watch "$pid" "$ep" "$c" "$url" "$out.stall" & stall=$!; fi
  local t0 t1; t0=$(cpu_of "$pid")
  wrk -t2 -c"$c" -d"${SECS}s" --timeout 5s -s "$BENCH/wrk/paths.lua" "$url" -- "$paths" "$cookie" >"$out" 2>&1 || true
  t1=$(cpu_of "$pid")
  # (The watch may have ended already, having written a stall down: nothing to kill then.)
  if [ -n "$stall" ]; then kill "$stall" 2>/dev/null || true; wait "$stall" 2>/dev/null || true; fi
  if [ -s "$out.stall" ]; then { echo "## wrk's own report of the point"; cat "$out"; } >>"$(cat "$out.stall")"; fi
  kill $watcher 2>/dev/null; wait $watcher 2>/dev/null || true
  peak=$(sort -n "$out.rss" | tail -1)
  local line; line=$(sed -n 's/^BENCH //p' "$out")
  [ -n "$line" ] || line='{"requests":0,"rps":0,"p50":0,"p90":0,"p99":0,"non2xx":0,"errors":1}'
  record "{\"kind\":\"read\",\"target\":\"$target\",\"endpoint\":\"$ep\",\"conns\":$c,\"rss_kb\":${peak:-0},\"cpu_ticks\":$((t1 - t0)),\"hz\":$(getconf CLK_TCK),\"r\":$line}"
  say "   $target $ep c=$c: $(python3 -c "import json,sys; r=json.loads(sys.argv[1]); print(f\"{r['rps']:.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, non-2xx {r['non2xx']}\")" "$line")"
}
warm() { wrk -t2 -c16 -d2s -s "$BENCH/wrk/paths.lua" "$1" -- "$2" "$3" >/dev/null 2>&1 || true; }

# ---- reads on the city: xingfu, the peer, nginx ----
# Rollups older than their 10 minutes are recounted when the server starts (tens of seconds
# of one core at city scale): wait for them, so they don't run beside the measurements.
stale=$(sqlite3 "$CITY" "SELECT (SELECT coalesce(max(computed_at), 0) FROM dash_rollup_meta) < $(date +%s) - 540
  OR (SELECT coalesce(max(computed_at), 0) FROM coverage_rollup) < $(date +%s) - 540")
serve "$CITY"
XPID=$SERVER_PID; XURL=$URL
if [ "$stale" = 1 ]; then
  say "== waiting for the rollups the server recounts at start"
  for _ in $(seq 600); do
    grep -q "dashboard rollup: counted" "$D/serve.err" && grep -q "coverage rollup:" "$D/serve.err" && break
    sleep 0.5
  done
  say "   $(grep -h "rollup" "$D/serve.err" | sed 's/^[^ ]* info //' | tr '\n' ';')"
fi
COOKIE=$(login "$XURL" admin)
[ -n "$COOKIE" ] || { say "bench: cannot log in as admin (password $PASS?)"; cat "$D/login.admin" >&2; exit 1; }
PPORT=$(free_port)
node "$BENCH/peer/server.js" "$CITY" "$PPORT" "$(nproc)" >"$D/peer.out" 2>&1 &
PPID_=$!; PIDS+=("$PPID_")
PURL=http://127.0.0.1:$PPORT
for _ in $(seq 500); do curl -sf "$PURL/healthz" >/dev/null 2>&1 && break; sleep 0.02; done

# The same answers from both (the first 40 paths of each list; sizes of the first), and whether
# the dashboard exists yet.
python3 - "$XURL" "$PURL" "$COOKIE" "$D/city" >>"$RES" <<'PY'
import json, sys, urllib.request
xurl, purl, cookie, d = sys.argv[1:5]
def get(base, path):
    req = urllib.request.Request(base + path, headers={"Cookie": "xf_session=" + cookie})
    try:
        with urllib.request.urlopen(req, timeout=30) as r: return r.status, r.read()
    except urllib.error.HTTPError as e: return e.code, e.read()
out = {"kind": "same", "sizes": {}, "equal": {}}
for ep in ["case", "children", "people", "coverage"]:
    paths = [l.strip() for l in open(f"{d}/{ep}")][:40]
    same = 0
    for i, path in enumerate(paths):
        (xs, xb), (ps, pb) = get(xurl, path), get(purl, path)
        if i == 0:
            out["sizes"][ep] = len(xb)
        same += xs == ps == 200 and json.loads(xb) == json.loads(pb)
    out["equal"][ep] = [same, len(paths)]
st, body = get(xurl, open(f"{d}/dashboard").readline().strip())
out["dashboard"] = st
print(json.dumps(out))
PY
DASH=$(tail -1 "$RES" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dashboard"])')
# nginx: a JSON file the size of a case answer (a real one).
mkdir -p "$D/www" "$D/ngx"
curl -s -b "xf_session=$COOKIE" "$XURL$(head -1 "$D/city/case")" >"$D/www/case.json"
chmod -R a+rX "$D/www"
echo "/case.json" >"$D/nginx.paths"
NPORT=$(free_port)
cat >"$D/nginx.conf" <<NGX
worker_processes $(nproc);
daemon off;
pid $D/nginx.pid;
error_log $D/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path $D/ngx/body; proxy_temp_path $D/ngx/proxy;
  fastcgi_temp_path $D/ngx/fcgi; uwsgi_temp_path $D/ngx/uwsgi; scgi_temp_path $D/ngx/scgi;
  server { listen 127.0.0.1:$NPORT; root $D/www; default_type application/json; }
}
NGX
"$NGINX" -c "$D/nginx.conf" -p "$D" 2>>"$D/nginx.err" &
NGPID=$!; PIDS+=("$NGPID")
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$NPORT/case.json" >/dev/null 2>&1 && break; sleep 0.02; done

say "== reads on the city (${SECS}s per point; connections: $CONNS)"
for c in $CONNS; do wrk_run nginx case "$c" "http://127.0.0.1:$NPORT" "$D/nginx.paths" "" "$NGPID"; done
for ep in case children people coverage mix; do
  warm "$XURL" "$D/city/$ep" "$COOKIE"; warm "$PURL" "$D/city/$ep" "$COOKIE"
  for c in $CONNS; do
    wrk_run xingfu "$ep" "$c" "$XURL" "$D/city/$ep" "$COOKIE" "$XPID"
    wrk_run peer "$ep" "$c" "$PURL" "$D/city/$ep" "$COOKIE" "$PPID_"
  done
done
wrk_run xingfu coverage_live 64 "$XURL" "$D/city/coverage_live" "$COOKIE" "$XPID"
if [ "$DASH" = 200 ]; then
  for c in $CONNS; do wrk_run xingfu dashboard "$c" "$XURL" "$D/city/dashboard" "$COOKIE" "$XPID"; done
else
  say "   dashboard: not available (GET /api/dashboard answered $DASH)"
fi
# The console's other reads at city scale: every GET route without a path parameter,
# one at a time (p95 of 20), as the console calls them for the city-level account.
python3 - "$XURL" "$COOKIE" >>"$RES" <<'PY'
import json, sys, time, urllib.request
url, cookie = sys.argv[1:3]
spec = json.load(urllib.request.urlopen(url + "/api/openapi.json"))
out = []
for path, ops in sorted(spec.get("paths", {}).items()):
    if "get" not in ops or "{" in path or not path.startswith("/api/") or "export" in path:
        continue
    times, status = [], 0
    for _ in range(20):
        req = urllib.request.Request(url + path, headers={"Cookie": "xf_session=" + cookie})
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=30) as r: r.read(); status = r.status
        except urllib.error.HTTPError as e: e.read(); status = e.code
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    out.append({"path": path, "status": status, "p50": times[9], "p95": times[18]})
print(json.dumps({"kind": "console", "routes": out}))
PY
record "{\"kind\":\"rss_idle\",\"xingfu_kb\":$(rss_of "$XPID"),\"peer_kb\":$(rss_of "$PPID_")}"
stop "$NGPID"; stop "$PPID_"; stop "$XPID"

# ---- the small city: the same reads (cost against size), then the durable writes ----
record "$(sqlite3 "$D/small.db" "SELECT json_object('kind', 'small', 'places', (SELECT count(*) FROM places),
  'people', (SELECT count(*) FROM people), 'cases', (SELECT count(*) FROM cases))")"
mkpaths "$D/small.db" "$D/small"
serve "$D/small.db"
SCOOKIE=$(login "$URL" admin)
say "== reads on the small city (64 connections)"
for ep in case children people coverage mix; do
  warm "$URL" "$D/small/$ep" "$SCOOKIE"
  wrk_run small "$ep" 64 "$URL" "$D/small/$ep" "$SCOOKIE" "$SERVER_PID"
done

say "== durable writes (small city, every answer after its commit's fsync)"
CSRF=$(cat "$D/csrf.admin")
sqlite3 "$D/small.db" "SELECT id FROM places WHERE kind = 'building' ORDER BY random() LIMIT 200" >"$D/wplaces"
sqlite3 "$D/small.db" "SELECT code FROM case_categories WHERE active = 1" >"$D/wcats"
write_run() { # name conns batch
  local out=$D/wrk.write.$1 before after
  before=$(sqlite3 "$D/small.db" "SELECT count(*) FROM cases")
  wrk -t2 -c"$2" -d"${SECS}s" --timeout 10s -s "$BENCH/wrk/cases_create.lua" "$URL" -- \
    "$SCOOKIE" "$CSRF" "$D/wplaces" "$D/wcats" "$3" >"$out" 2>&1 || true
  after=$(sqlite3 "$D/small.db" "SELECT count(*) FROM cases")
  local line; line=$(sed -n 's/^BENCH //p' "$out")
  [ -n "$line" ] || line='{"requests":0,"rps":0,"p50":0,"p90":0,"p99":0,"non2xx":0,"errors":1}'
  record "{\"kind\":\"write\",\"name\":\"$1\",\"conns\":$2,\"batch\":$3,\"rows\":$((after - before)),\"seconds\":$SECS,\"r\":$line}"
  say "   $1: $((after - before)) cases in ${SECS}s"
}
write_run cases_single 64 0
write_run cases_batch 4 100
stop "$SERVER_PID"
# Points transfers and the raw one-commit-per-insert ceiling: bench/points.sh, same run.
bash "$BENCH/points.sh" "$XF" "$SECS" 1000 >"$D/points.out" 2>&1 || true
python3 - "$D/points.out" >>"$RES" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
d = [float(x) for x in re.findall(r"durable transfers: \d+ = (\d+)/s", t)]
raw = re.findall(r"raw commits: \d+ = (\d+)/s", t)
per = re.findall(r"= ([\d.]+) per commit", t)
print(json.dumps({"kind": "points", "single": d[0] if d else None, "batched": d[1] if len(d) > 1 else None,
  "raw": float(raw[0]) if raw else None, "per_commit": float(per[0]) if per else None,
  "verified": "积分账本一致" in t}, ensure_ascii=False))
PY
say "   $(grep -E 'durable transfers|raw commits' "$D/points.out" | tr '\n' ';')"

mkdir -p "$BENCH/results"
OUTMD=$BENCH/results/$(date -u +%F).md
python3 "$BENCH/report.py" "$RES" "$SECS" >"$OUTMD"
cat "$OUTMD"
say "== written to ${OUTMD#"$ROOT"/}"
