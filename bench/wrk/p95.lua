-- Prints the 50th, 95th and 99th percentiles of latency, and the mean
-- response size, after a run (wrk --latency prints no 95th).
wrk.headers["Accept-Encoding"] = "gzip"
local bytes = 0
local responses = 0
response = function(status, headers, body)
  responses = responses + 1
  bytes = bytes + #body
end
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, %.0f req/s\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
