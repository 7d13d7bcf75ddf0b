-- Signed GitHub push deliveries, each with its own delivery id and, while
-- they last, its own commit: bench/webhooks.sh writes the bodies and their
-- signatures (one pair a line, tab-separated) to the file named by BODIES.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  bodies, signatures = {}, {}
  for line in io.lines(os.getenv("BODIES")) do
    local signature, body = line:match("^([^\t]+)\t(.*)$")
    table.insert(signatures, signature)
    table.insert(bodies, body)
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-GitHub-Event"] = "push"
end

function request()
  counter = counter + 1
  -- Each thread takes every other body: no two threads send the same one.
  local i = ((counter - 1) * 2 + id - 1) % #bodies + 1
  wrk.headers["X-GitHub-Delivery"] = string.format("bench-%d-%d", id, counter)
  wrk.headers["X-Hub-Signature-256"] = signatures[i]
  return wrk.format(nil, nil, nil, bodies[i])
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, p99 %.2f ms\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99) / 1000))
end
