#!/usr/bin/env bash
# SIGTERM with requests in flight: clients post cases as fast as they can, and some send
# their body in two halves with the signal sent between them. Every request sent
# before the signal must be answered, every 2xx must be in the database after the process
# exits, and the exit status must be 0. Rounds: $2 (default 3).
set -u
XF=${1:?usage: test_sigterm.sh path/to/xingfu [rounds]}
ROUNDS=${2:-3}
D=$(mktemp -d /tmp/xfterm.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$D"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }

"$XF" demo --generate-only --db "$D/t.db" --password termpass12 >/dev/null 2>&1 || { echo "FAIL - demo"; exit 1; }

cat >"$D/client.py" <<'PY'
import json, os, signal, socket, sys, threading, time
port, cookie, csrf, pid, out, rnd = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
lock = threading.Lock()
results = []          # (title, sent_at, status or None, id or None, error)
t_term = [None]
stop = threading.Event()
half_sent = threading.Semaphore(0)  # a slow request has sent half its body
termed = threading.Event()          # SIGTERM has been sent

def request(title, slow):
    body = json.dumps({"category": "sanitation", "title": title,
                       "description": "SIGTERM 测试：楼道堆物"}, ensure_ascii=False).encode()
    head = (f"POST /api/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
            f"X-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=40)
    try:
        if slow:
            s.sendall(head + body[: len(body) // 2])
            half_sent.release()
            termed.wait(20)           # the signal comes while the body is half sent
            time.sleep(0.05)
            s.sendall(body[len(body) // 2 :])
        else:
            s.sendall(head + body)
        sent = time.monotonic()
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
    ident = None
    if status and 200 <= status < 300:
        ident = json.loads(data.split(b"\r\n\r\n", 1)[1])["id"]
    return sent, status, ident

def worker(k, slow):
    n = 0
    while not stop.is_set():
        n += 1
        title = f"T{rnd}-{k}-{n}"
        started = time.monotonic()
        try:
            sent, status, ident = request(title, slow)
            err = None if status else "no answer"
        except OSError as e:
            sent, status, ident, err = None, None, None, str(e)
        with lock:
            results.append((title, started, sent, status, ident, err))
        if err and t_term[0] is not None:
            return   # the server has gone away, as it should

threads = [threading.Thread(target=worker, args=(k, k < 6)) for k in range(24)]
for t in threads: t.start()
time.sleep(0.8)
for _ in range(3):                  # three uploads are half way when the signal comes
    half_sent.acquire(timeout=20)
t_term[0] = time.monotonic()
os.kill(pid, signal.SIGTERM)
termed.set()
time.sleep(0.1)
stop.set()
for t in threads: t.join(60)
json.dump({"t_term": t_term[0], "results": results}, open(out, "w"))
PY

for round in $(seq 1 "$ROUNDS"); do
  : >"$D/out"
  "$XF" serve --db "$D/t.db" --listen 127.0.0.1:0 --access-log - >"$D/out" 2>"$D/err" &
  PID=$!
  PORT=""
  for _ in $(seq 100); do
    PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$D/out")
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { bad "round $round: server did not start: $(cat "$D/err")"; break; }
  curl -s -c "$D/jar" -o "$D/login.json" -H 'Content-Type: application/json' \
    -d '{"username":"jumin","password":"termpass12"}' "http://127.0.0.1:$PORT/api/session"
  CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' "$D/login.json")
  COOKIE=$(awk '$6 == "xf_session" {print "xf_session=" $7}' "$D/jar")
  python3 "$D/client.py" "$PORT" "$COOKIE" "$CSRF" "$PID" "$D/res.json" "$round"
  wait "$PID"; rc=$?; PID=""
  [ "$rc" = 0 ] && ok "round $round: exit status 0 after SIGTERM" || bad "round $round: exit $rc: $(tail -3 "$D/err")"
  grep -q "已停止" "$D/out" && ok "round $round: says it stopped" || bad "round $round: no 已停止"
  python3 - "$D/res.json" "$D/t.db" "$round" >"$D/check" 2>"$D/check.err" <<'PY'
import json, sqlite3, sys
r = json.load(open(sys.argv[1])); db = sqlite3.connect(sys.argv[2]); rnd = sys.argv[3]
t_term, res = r["t_term"], r["results"]
ok2xx = [x for x in res if x[3] and 200 <= x[3] < 300]
have = {row[0]: row[1] for row in db.execute("SELECT title, id FROM cases WHERE title LIKE ?", (f"T{rnd}-%",))}
lost = [x for x in ok2xx if have.get(x[0]) != x[4]]
# sent in full before the signal, yet never answered
unanswered = [x for x in res if x[2] is not None and x[2] < t_term and x[3] is None]
# started before the signal, body finished after it, and answered 2xx
straddling = [x for x in ok2xx if x[1] < t_term and x[2] is not None and x[2] >= t_term]
other = [x for x in res if x[3] and not (200 <= x[3] < 300)]
print(len(res), len(ok2xx), len(lost), len(unanswered), len(straddling), len(other),
      len(have) - len(ok2xx))
for x in (unanswered + lost + other)[:5]:
    print(f"# {x[0]}: started {x[1] - t_term:+.3f}s, sent {x[2] - t_term if x[2] else 0:+.3f}s"
          f" after SIGTERM, status {x[3]}, {x[5]}", file=sys.stderr)
PY
  read -r total good lost unanswered straddling other extra <"$D/check"
  cat "$D/check.err" 2>/dev/null
  echo "# round $round: $total requests, $good answered 2xx, $straddling of them finished after SIGTERM, $other other answers, $extra in the database without a 2xx (answer lost with the connection)"
  [ "$good" -gt 20 ] && ok "round $round: $good writes answered 2xx" || bad "round $round: only $good 2xx"
  [ "$lost" = 0 ] && ok "round $round: every 2xx is in the database" || bad "round $round: $lost answered writes missing"
  [ "$unanswered" = 0 ] && ok "round $round: every request sent before SIGTERM was answered" || bad "round $round: $unanswered unanswered"
  [ "$straddling" -gt 0 ] && ok "round $round: requests in flight at SIGTERM finished with 2xx ($straddling)" || bad "round $round: nothing straddled the signal"
  [ "$other" = 0 ] && ok "round $round: no error answers" || bad "round $round: $other non-2xx answers"
done
[ "$(sqlite3 "$D/t.db" 'PRAGMA integrity_check')" = ok ] && ok "integrity_check" || bad "integrity_check"
[ ! -s "$D/t.db-wal" ] && ok "WAL checkpointed on close" || echo "# WAL left: $(stat -c %s "$D/t.db-wal") bytes"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
