-- Shared by the benchmark's wrk scripts: report one line of JSON (marker "BENCH ") with
-- requests/s, latency percentiles in ms and the count of non-2xx answers and socket errors,
-- so bench/run.sh can tabulate without scraping wrk's text.
local M = {}
local threads = {}

function M.setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function M.done(summary, latency, requests)
  local non2xx = 0
  for _, t in ipairs(threads) do non2xx = non2xx + (t:get("bad") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50":%.3f,"p90":%.3f,"p99":%.3f,' ..
    '"max":%.3f,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, non2xx,
    e.connect + e.read + e.write + e.timeout))
end

-- Counts answers outside 2xx per thread (wrk's own "Non-2xx" is not given to done()).
bad = 0
function M.response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end

return M
