#!/usr/bin/env python3
"""Votes load for the crash test (bench/points_crash.sh).

    xfvotes.py PORT PASSWORD OUT SECONDS [GIVE_UP]

Signs in as the demo community secretary (shequ), opens a one-person-one-vote vote in her
community and enters paper ballots for the people on its roll, one request each, until
SECONDS pass or the server stays away for GIVE_UP seconds (it is being killed). Every vote
the server acknowledged (201) is appended to OUT as "vote <id>", every paper ballot as
"ballot <id> <vote id> <person id>", so the caller can check after each kill that nothing
acknowledged was lost.
"""
import http.client
import json
import sys
import time


def call(port, method, path, headers, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, None if body is None else json.dumps(body, ensure_ascii=False).encode(),
                  headers)
        r = c.getresponse()
        data = r.read()
        return r.status, json.loads(data) if data else None, r
    finally:
        c.close()


def login(port, password):
    status, body, r = call(port, "POST", "/api/session", {"Content-Type": "application/json"},
                           {"username": "shequ", "password": password})
    if status != 200:
        raise SystemExit(f"login shequ: {status} {body}")
    cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie"][0].split(";")[0]
    return {"Cookie": cookie, "X-CSRF-Token": body["csrf"], "Content-Type": "application/json"}, \
        body["user"]["place_id"]


def main():
    port, password, out, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
    give_up = float(sys.argv[5]) if len(sys.argv) > 5 else 10
    deadline = time.time() + seconds
    down_since = None
    headers = place = None
    vote = option = None
    roll = []
    log = open(out, "a")
    while time.time() < deadline:
        try:
            if headers is None:
                headers, place = login(port, password)
            if vote is None:
                now = int(time.time())
                status, body, _ = call(port, "POST", "/api/votes", headers, {
                    "place_id": place, "title": f"崩溃测试表决 {now}", "rule": "person",
                    "opens_at": now - 60, "closes_at": now + 86400})
                if status != 201:
                    raise SystemExit(f"open a vote: {status} {body}")
                vote = body["id"]
                log.write(f"vote {vote}\n"); log.flush()
                _, v, _ = call(port, "GET", f"/api/votes/{vote}", headers)
                option = v["options"][0]["id"]
                _, r, _ = call(port, "GET", f"/api/votes/{vote}/roll", headers)
                roll = [p["person_id"] for p in r["items"] if not p["voted"]]
            if not roll:
                vote = None  # everyone on this roll has a ballot: open another vote
                continue
            person = roll[0]
            status, body, _ = call(port, "POST", f"/api/votes/{vote}/paper", headers,
                                   {"person_id": person, "options": [option]})
            down_since = None
            roll.pop(0)
            if status == 201:
                log.write(f"ballot {body['id']} {vote} {person}\n"); log.flush()
            elif status >= 500:
                time.sleep(0.05)
        except (OSError, http.client.HTTPException, ValueError):
            down_since = down_since or time.time()
            if time.time() - down_since > give_up:
                return
            headers = None if isinstance(sys.exc_info()[1], ValueError) else headers
            time.sleep(0.05)


if __name__ == "__main__":
    main()
