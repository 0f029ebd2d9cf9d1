#!/usr/bin/env python3
"""Render bench/run.sh's results (JSON lines) as the Markdown report in bench/results/.

Usage: report.py RESULTS.jsonl SECONDS. Targets are marked met or not; nothing fails."""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
secs = sys.argv[2]
env = next(r for r in rows if r["kind"] == "env")
one = lambda k: next((r for r in rows if r["kind"] == k), None)
reads = {(r["target"], r["endpoint"], r["conns"]): r for r in rows if r["kind"] == "read"}
conns = sorted({c for (_, _, c) in reads})
same = one("same") or {"sizes": {}, "equal": {}, "dashboard": 0}
out = []
p = out.append

NAMES = {
    "case": "case by id (`GET /api/cases/{id}`)",
    "children": "a place's children (`GET /api/places/{id}/children`)",
    "people": "people search (`GET /api/people?place=…&q=…`)",
    "coverage": "coverage report, a street (rollup)",
    "coverage_live": "coverage report, a community (counted live)",
    "dashboard": "dashboard (`GET /api/dashboard?place=…`)",
    "mix": "console mix (cases, children, people searches, coverage 3 : 3 : 2 : 1)",
}


def fmt(n, d=0):
    return "–" if n is None else f"{n:,.{d}f}"


def cell(r):
    if not r:
        return "–", "–", "–"
    x = r["r"]
    bad = x.get("non2xx", 0) + x.get("errors", 0)
    rps = fmt(x["rps"]) + (f" ⚠{bad} failed" if bad else "")
    return rps, f"{x['p50']:.2f}", f"{x['p99']:.2f}"


def cpu(r):
    """The server's CPU time per answer (all threads and workers): what a shared machine's
    other load disturbs least."""
    if not r or "cpu_ticks" not in r or not r["r"]["requests"]:
        return "–"
    return f"{1e6 * r['cpu_ticks'] / r['hz'] / r['r']['requests']:,.0f}"


def mark(ok):
    return "met" if ok else "**not met**"


p(f"# Benchmark {env['date']}")
p("")
p(f"`make bench BENCH_SECONDS={secs}` — {secs} s per measurement, wrk `-t2`, loopback.")
p(f"Machine: {env['cpus']} CPUs ({env['cpu']}), Linux {env['kernel']}; "
  f"**load average at start {' / '.join(env['load'])}** (a shared machine: other work ran "
  f"beside this). xingfu {env['rev']}, SQLite {env['sqlite']}; peer on Node.js {env['node']}; "
  f"{env['nginx']}; {env['wrk']}.")
city = one("city")
if city:
    p(f"City database: {city['bytes'] / 1e9:.2f} GB, {city['places']:,} places, "
      f"{city['people']:,} people, {city['cases']:,} cases"
      + (f" (generated in this run: {one('generation')['seconds']} s)." if one("generation") else " (cached)."))
p("")

# ---- reads ----
p("## Reads at city scale (requests/s, p50 / p99 in ms)")
p("")
p("| endpoint | conn. | xingfu req/s | p50 | p99 | CPU µs/req | peer req/s | p50 | p99 | CPU µs/req | xingfu ÷ peer |")
p("|---|---|---|---|---|---|---|---|---|---|---|")
for c in conns:
    r = reads.get(("nginx", "case", c))
    if r:
        a = cell(r)
        p(f"| reference: nginx, a {same['sizes'].get('case', 0):,}-byte JSON file | {c} | {a[0]} | {a[1]} | {a[2]} | {cpu(r)} | | | | | |")
for ep in ["case", "children", "people", "coverage", "mix", "coverage_live", "dashboard"]:
    for c in conns:
        x, y = reads.get(("xingfu", ep, c)), reads.get(("peer", ep, c))
        if not x:
            continue
        a, b = cell(x), cell(y)
        ratio = f"{x['r']['rps'] / y['r']['rps']:.1f}×" if y and y["r"]["rps"] else "–"
        p(f"| {NAMES[ep]} | {c} | {a[0]} | {a[1]} | {a[2]} | {cpu(x)} | {b[0]} | {b[1]} | {b[2]} | {cpu(y)} | {ratio} |")
if same.get("dashboard") != 200:
    p(f"| {NAMES['dashboard']} | | not available (answered {same.get('dashboard')}) | | | | | | | | |")
p("")
p("Answer sizes (bytes, first path of each list): "
  + ", ".join(f"{k} {v:,}" for k, v in same["sizes"].items())
  + ". The peer's answers were compared with xingfu's (the first paths of each list): "
  + ", ".join(f"{k} {v[0]} of {v[1]} identical" if v[0] == v[1] else f"{k} **{v[1] - v[0]} of {v[1]} different**"
              for k, v in same["equal"].items()) + ".")
p("")

# ---- writes ----
p("## Durable writes (small city; every answer after its commit's fsync)")
p("")
p("| what | conn. | per second | requests/s | p50 ms | p99 ms |")
p("|---|---|---|---|---|---|")
for r in rows:
    if r["kind"] != "write":
        continue
    x = r["r"]
    name = "case creation, one per request" if r["batch"] == 0 else f"case creation, batches of {r['batch']} (`/api/cases/batch`)"
    p(f"| {name} | {r['conns']} | {r['rows'] / float(r['seconds']):,.0f} cases | {x['rps']:,.0f} | {x['p50']:.2f} | {x['p99']:.2f} |")
pts = one("points") or {}
p(f"| points transfers, one per request (`bench/points.sh`) | 64 | {fmt(pts.get('single'))} transfers ({fmt(pts.get('per_commit'), 1)} per commit) | | | |")
p(f"| points transfers, batches of 1,000 | 4 | {fmt(pts.get('batched'))} transfers | | | |")
p(f"| reference: raw SQLite, one INSERT per COMMIT (WAL, synchronous=FULL) | 1 | {fmt(pts.get('raw'))} commits | | | |")
p("")
p(f"Ledger verified afterwards (`xingfu points verify`): {'yes' if pts.get('verified') else '**no**'}.")
p("")

# ---- small vs city ----
p("## Cost against the city's size (xingfu, 64 connections)")
p("")
small = one("small")
p(f"Small city: {small['places']:,} places, {small['people']:,} people, {small['cases']:,} cases; "
  f"city scale as above." if small and city else "")
p("")
p("| endpoint | small req/s | p50 | p99 | CPU µs/req | city req/s | p50 | p99 | CPU µs/req |")
p("|---|---|---|---|---|---|---|---|---|")
for ep in ["case", "children", "people", "coverage", "mix"]:
    x, y = reads.get(("small", ep, 64)), reads.get(("xingfu", ep, 64))
    a, b = cell(x), cell(y)
    p(f"| {NAMES[ep]} | {a[0]} | {a[1]} | {a[2]} | {cpu(x)} | {b[0]} | {b[1]} | {b[2]} | {cpu(y)} |")
p("")

# ---- console ----
con = one("console")
if con:
    routes = con["routes"]
    slow = sorted(routes, key=lambda r: -r["p95"])
    p(f"## Every console read at city scale (one at a time, 20 each; {len(routes)} GET routes without a path parameter)")
    p("")
    p("| route | status | p50 ms | p95 ms |")
    p("|---|---|---|---|")
    for r in slow[:8]:
        p(f"| `{r['path']}` | {r['status']} | {r['p50']:.1f} | {r['p95']:.1f} |")
    p(f"| (the other {max(len(routes) - 8, 0)}) | | | ≤ {slow[8]['p95']:.1f} |" if len(slow) > 8 else "")
    p("")

# ---- process ----
starts = [r["ms"] for r in rows if r["kind"] == "startup" and r["ms"] is not None]
rss = max((r["rss_kb"] for r in rows if r["kind"] == "read" and r["target"] == "xingfu"), default=0)
prss = max((r["rss_kb"] for r in rows if r["kind"] == "read" and r["target"] == "peer"), default=0)
idle = one("rss_idle") or {}
p("## The process")
p("")
p("| what | xingfu | peer |")
p("|---|---|---|")
p(f"| RSS, peak under load (sampled every 0.25 s) | {rss / 1024:.0f} MB | {prss / 1024:.0f} MB (all workers) |")
p(f"| RSS after the read runs | {idle.get('xingfu_kb', 0) / 1024:.0f} MB | {idle.get('peer_kb', 0) / 1024:.0f} MB |")
p(f"| binary size (Release, not stripped; the web console embedded unless built with -DXF_WEB=OFF) | {env['binary'] / 1e6:.1f} MB | |")
p(f"| start-up on the city database (launch → first `/healthz` answer; median of {len(starts)}) | "
  f"{statistics.median(starts) if starts else 0:.0f} ms | |")
p("")

# ---- targets ----
def rps(t, ep, c=64):
    r = reads.get((t, ep, c))
    return r["r"]["rps"] if r else 0


def p99(t, ep, c=64):
    r = reads.get((t, ep, c))
    return r["r"]["p99"] if r else 1e9


p("## Targets (issue 14), this run")
p("")
read_eps = ["case", "children", "people", "coverage"]
ratios = {ep: rps("xingfu", ep) / rps("peer", ep) if rps("peer", ep) else 0 for ep in read_eps}
p(f"- Reads ≥ 3× the peer's requests/s (64 conn.): "
  + ", ".join(f"{ep} {v:.1f}×" for ep, v in ratios.items())
  + f" — {mark(all(v >= 3 for v in ratios.values()))}")
ng = rps("nginx", "case")
p(f"- Case by id ≥ 50% of nginx's static file (64 conn.): {100 * rps('xingfu', 'case') / ng if ng else 0:.0f}% — "
  f"{mark(ng and rps('xingfu', 'case') >= 0.5 * ng)}")
p(f"- p99 ≤ 10 ms at 64 connections: "
  + ", ".join(f"{ep} {p99('xingfu', ep):.1f} ms" for ep in read_eps)
  + f" — {mark(all(p99('xingfu', ep) <= 10 for ep in read_eps))}")
single = next((r for r in rows if r["kind"] == "write" and r["batch"] == 0), None)
if pts.get("raw"):
    cases_single = single['rows'] / float(single['seconds']) if single else 0
    p(f"- Durable single writes ≥ raw one-commit-per-insert ({pts['raw']:,.0f}/s): points "
      f"{fmt(pts.get('single'))}/s, cases {cases_single:,.0f}/s — "
      f"{mark((pts.get('single') or 0) >= pts['raw'] and cases_single >= pts['raw'])}")
p(f"- Batched points transfers ≥ 10,000/s: {fmt(pts.get('batched'))}/s — {mark((pts.get('batched') or 0) >= 10000)}")
if con:
    worst = max(r["p95"] for r in con["routes"])
    p(f"- Every console read p95 ≤ 100 ms at city scale: worst {worst:.1f} ms — {mark(worst <= 100)}")
p(f"- Server RSS ≤ 100 MB under load: {rss / 1024:.0f} MB — {mark(0 < rss <= 100 * 1024)}")
if starts:
    p(f"- Start-up ≤ 200 ms: {statistics.median(starts):.0f} ms — {mark(statistics.median(starts) <= 200)}")
print("\n".join(out))
