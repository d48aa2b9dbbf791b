-- One non-streaming chat completion per request; BENCH_KEY (empty for the simulator) and
-- BENCH_MODEL come from the environment. done() prints one JSON line the harness keeps.
local key = os.getenv("BENCH_KEY") or ""
local model = os.getenv("BENCH_MODEL") or "bench-fast"
wrk.method = "POST"
wrk.body = '{"model":"' .. model .. '","max_tokens":16,"messages":[{"role":"user","content":"Hello, how are you today?"}]}'
wrk.headers["Content-Type"] = "application/json"
if key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

-- Paced mode (BENCH_DELAY_MS > 0): each connection waits a random, exponentially distributed
-- time with that mean before its next request, so the offered load is a fixed rate well below
-- saturation instead of "as fast as answers come back". wrk's latency excludes the wait.
local mean_delay = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if mean_delay > 0 then
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  function delay()
    return math.floor(-math.log(1 - math.random()) * mean_delay + 0.5)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"p50_ms":%.4f,"p90_ms":%.4f,"p99_ms":%.4f,"p999_ms":%.4f,"max_ms":%.4f,' ..
    '"failed":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))
end
