// Parse a /metrics answer with a Prometheus text-format parser (the npm package
// parse-prometheus-text-format) and check what operators rely on: every family typed and
// described, the families xingfu promises, counters that count, and histograms whose
// buckets are cumulative and end in +Inf = _count, per label set.
// Usage: node metrics_parse.mjs WEB_DIR METRICS_FILE
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [webDir, file] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(webDir), 'package.json'));
const parse = require('parse-prometheus-text-format');
const text = readFileSync(file, 'utf8');
let failed = 0, passed = 0;
const ok = (cond, what) => {
  if (cond) { passed++; console.log(`ok   - ${what}`); } else { failed++; console.log(`FAIL - ${what}`); }
};

const families = parse(text); // throws on a line it cannot parse
ok(families.length >= 15, `parsed ${families.length} metric families`);
const byName = new Map(families.map((f) => [f.name, f]));
ok(byName.size === families.length, 'family names are unique');
ok(families.every((f) => f.help && f.help.length > 5), 'every family has HELP');
ok(families.every((f) => ['COUNTER', 'GAUGE', 'HISTOGRAM'].includes(f.type)), 'every family has a TYPE');

const want = {
  xingfu_build_info: 'GAUGE', xingfu_schema_version: 'GAUGE',
  xingfu_http_requests_total: 'COUNTER', xingfu_http_request_duration_seconds: 'HISTOGRAM',
  xingfu_http_requests_in_progress: 'GAUGE', xingfu_http_requests_waiting_for_writer: 'GAUGE',
  xingfu_writer_jobs_total: 'COUNTER', xingfu_writer_commits_total: 'COUNTER',
  xingfu_writer_failed_batches_total: 'COUNTER', xingfu_writer_queue_depth: 'GAUGE',
  xingfu_writer_batch_size: 'HISTOGRAM', xingfu_writer_batch_seconds: 'HISTOGRAM',
  xingfu_writer_commit_seconds: 'HISTOGRAM', xingfu_outbox_pending: 'GAUGE',
  xingfu_outbox_oldest_pending_seconds: 'GAUGE', xingfu_cases_overdue: 'GAUGE',
  xingfu_config_reloads_total: 'COUNTER',
};
for (const [name, type] of Object.entries(want))
  ok(byName.get(name)?.type === type, `${name} is a ${type.toLowerCase()}`);

for (const f of families.filter((x) => x.type !== 'HISTOGRAM'))
  ok(f.metrics.every((m) => Number.isFinite(Number(m.value)) && Number(m.value) >= 0),
     `${f.name}: values are non-negative numbers`);

const req = byName.get('xingfu_http_requests_total').metrics;
const count = (route, status) =>
  req.filter((m) => m.labels.route === route && m.labels.status === status)
     .reduce((a, m) => a + Number(m.value), 0);
ok(count('POST /api/session', '200') >= 1, 'a sign-in is counted under its route and 200');
ok(count('PUT /api/me/preferences', '200') >= 1, 'a write is counted under its route');
ok(count('(unmatched)', '404') >= 1, 'unknown paths share one "(unmatched)" series');
ok(req.every((m) => /^(GET|POST|PUT|PATCH|DELETE) \/|^\((static|unmatched)\)$/.test(m.labels.route)),
   'route labels are route patterns (bounded), never raw paths');
ok(Number(byName.get('xingfu_writer_jobs_total').metrics[0].value) >= 2, 'writer jobs are counted');

// The parser folds a labelled histogram into one series (a limitation of the package), so
// histograms are checked series by series from the same text read as untyped samples.
const untyped = parse(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
const samples = (name) => untyped.filter((f) => f.name === name).flatMap((f) => f.metrics);
for (const h of families.filter((f) => f.type === 'HISTOGRAM')) {
  const series = new Map();
  const key = (labels) => JSON.stringify(Object.entries(labels || {}).filter(([k]) => k !== 'le').sort());
  for (const s of samples(`${h.name}_bucket`)) {
    const k = key(s.labels);
    if (!series.has(k)) series.set(k, { buckets: [] });
    series.get(k).buckets.push([s.labels.le, Number(s.value)]);
  }
  for (const s of samples(`${h.name}_count`)) (series.get(key(s.labels)) || {}).count = Number(s.value);
  for (const s of samples(`${h.name}_sum`)) (series.get(key(s.labels)) || {}).sum = Number(s.value);
  let good = series.size > 0;
  for (const [k, s] of series) {
    const les = s.buckets.map(([le]) => (le === '+Inf' ? Infinity : Number(le)));
    const vals = s.buckets.map(([, v]) => v);
    const sorted = les.every((v, i) => i === 0 || v > les[i - 1]);
    const cumulative = vals.every((v, i) => i === 0 || v >= vals[i - 1]);
    const inf = les.at(-1) === Infinity && vals.at(-1) === s.count;
    if (!(sorted && cumulative && inf && s.sum >= 0)) {
      good = false;
      console.log(`# ${h.name} ${k}: sorted=${sorted} cumulative=${cumulative} +Inf=count:${inf} sum=${s.sum}`);
    }
  }
  ok(good, `${h.name}: ${series.size} series, buckets sorted and cumulative, +Inf = _count`);
}
const dur = samples('xingfu_http_request_duration_seconds_count');
ok(dur.some((s) => s.labels.route === 'POST /api/session'), 'latency is recorded per route');

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
