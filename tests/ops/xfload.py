#!/usr/bin/env python3
"""Write load for the reliability scripts (test_faults.sh, test_backup.sh, bench/points_crash.sh).

    xfload.py PORT PASSWORD OUT SECONDS [THREADS] [GIVE_UP]

Signs in as the demo resident (jumin) and files cases from THREADS keep-alive connections
for SECONDS (or until the server goes away and stays away for GIVE_UP seconds, 10 by
default; the crash test, which kills the server, uses a short one). Each case carries a
unique title. Every case the server acknowledged (201 with an id) is appended to OUT as
"case <id> <title>"; every refusal as "refused <status> <code> <message>" to OUT.refused,
so a caller can check that nothing acknowledged was lost and that refusals were clear.
"""
import http.client
import json
import sys
import threading
import time
import uuid


def login(port, user, password):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/session", json.dumps({"username": user, "password": password}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = json.loads(r.read())
    if r.status != 200:
        raise SystemExit(f"login {user}: {r.status} {body}")
    cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie"][0].split(";")[0]
    return {"Cookie": cookie, "X-CSRF-Token": body["csrf"], "Content-Type": "application/json"}


def main():
    port, password, out, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    give_up = float(sys.argv[6]) if len(sys.argv) > 6 else 10
    headers = None
    for _ in range(100):
        try:
            headers = login(port, "jumin", password)
            break
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    if headers is None:
        raise SystemExit("could not sign in")
    lock = threading.Lock()
    ok_f = open(out, "a")
    bad_f = open(out + ".refused", "a")
    run = uuid.uuid4().hex[:8]
    deadline = time.time() + seconds

    def worker(k):
        c = None
        n = 0
        down_since = None
        while time.time() < deadline:
            n += 1
            title = f"负载{run}-{k}-{n}"
            body = {"category": "sanitation", "title": title, "description": "楼道里堆了杂物，请处理"}
            try:
                if c is None:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("POST", "/api/cases", json.dumps(body, ensure_ascii=False).encode(),
                          headers)
                r = c.getresponse()
                data = r.read()
                down_since = None
            except (OSError, http.client.HTTPException):
                c = None
                down_since = down_since or time.time()
                if time.time() - down_since > give_up:
                    return
                time.sleep(0.05)
                continue
            try:
                v = json.loads(data)
            except ValueError:
                v = {}
            with lock:
                if r.status == 201 and v.get("id"):
                    ok_f.write(f"case {v['id']} {title}\n")
                    ok_f.flush()
                else:
                    e = v.get("error", {}) if isinstance(v, dict) else {}
                    bad_f.write(f"refused {r.status} {e.get('code', '-')} {e.get('message', '-')}\n")
                    bad_f.flush()
            if r.status >= 500:
                time.sleep(0.05)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


if __name__ == "__main__":
    main()
