-- wrk script for bench/loadtest.py.
--
-- Counts status codes per thread and, when wrk is done, prints one line
-- "BENCH_JSON {...}" with the summary, the status counts and the whole latency
-- histogram (microseconds), so that several rounds can be merged exactly.
-- With BENCH_BUST=1 every request gets its own query string, which no page
-- cache can have seen before.

local threads = {}
local bust = os.getenv("BENCH_BUST") == "1"

counts = {}
thread_id = 0
sent = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

if bust then
  function request()
    sent = sent + 1
    local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
    local path = wrk.path .. separator .. "bench-nocache=" .. thread_id .. "-" .. sent
    return wrk.format(nil, path)
  end
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      statuses[status] = (statuses[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(statuses) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    table.insert(histogram, string.format("[%d, %d]", value, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": {%s}, "latency_us": [%s]}\n',
    summary.duration, summary.requests, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    table.concat(parts, ", "), table.concat(histogram, ", ")
  ))
end
