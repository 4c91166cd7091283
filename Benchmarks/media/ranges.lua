-- wrk script: every request asks for a random RANGE_BYTES-long range of one media file, with the session cookie.
-- Environment: MEDIA_PATH (the URL path), MEDIA_SIZE (the file's size in bytes), RANGE_BYTES (default 1048576),
-- MEDIA_COOKIE (a Cookie header value, or empty). No response() callback: wrk would then hand every 1 MB body to Lua.
-- done() prints the totals run.sh reads (requests, bytes, seconds, non-2xx/3xx count).
local path = os.getenv("MEDIA_PATH")
local size = tonumber(os.getenv("MEDIA_SIZE"))
local chunk = tonumber(os.getenv("RANGE_BYTES") or "1048576")
local cookie = os.getenv("MEDIA_COOKIE") or ""

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number)
end

function request()
  local first = math.random(0, size - chunk)
  local headers = { ["Range"] = "bytes=" .. first .. "-" .. (first + chunk - 1) }
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  io.write(string.format("media requests %d bytes %d seconds %.3f errors %d latency_p50_ms %.1f latency_p99_ms %.1f\n",
    summary.requests, summary.bytes, summary.duration / 1e6,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
