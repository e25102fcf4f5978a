-- The request script the benchmarks hand to wrk (bench/support.ts, `load`).
--
-- WRK_REQUESTS names a file of requests, one per line: METHOD, a tab, the path, and for a
-- request with a body a tab and the body. Each connection's requests cycle through the file
-- from a random start. WRK_IDEMPOTENCY=1 gives every request an Idempotency-Key of its own.
-- The headers given with -H are sent on every request. At the end one line of JSON reports
-- the run: requests, seconds, errors and latency percentiles in milliseconds.

local requests = {}
local headers = {}
local keyed = os.getenv('WRK_IDEMPOTENCY') == '1'
local next_index = 1
local sent = 0
local prefix = ''

function init(args)
  for line in io.lines(os.getenv('WRK_REQUESTS')) do
    local method, path, body = line:match('^(%u+)\t([^\t]+)\t?(.*)$')
    requests[#requests + 1] = { method = method, path = path, body = body ~= '' and body or nil }
  end
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)'), 16))
  next_index = math.random(#requests)
  prefix = string.format('wrk-%d-%08x-', os.time(), math.random(0, 0x7fffffff))
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  if keyed then
    sent = sent + 1
    headers['Idempotency-Key'] = prefix .. sent
  end
  return wrk.format(r.method, r.path, headers, r.body)
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"socketErrors":%d,"timeouts":%d,"non2xx":%d,' ..
      '"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}\n',
    summary.requests, summary.duration / 1e6,
    errors.connect + errors.read + errors.write, errors.timeout, errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
