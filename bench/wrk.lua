-- What one wrk run of bench/load.py asks for; its role comes after `--` on wrk's command line:
--   api TOKEN                 GET /api/v1/articles with the bearer token, no pause (a script)
--   article ID                the article's page, a pause of 0.5-1.5 s between pages (a person)
--   diff ID LATEST            one of its 20 latest diffs, the same pauses
-- At the end it prints one JSON line that bench/load.py reads: counts, errors and latencies in ms.

local role, target, latest

function init(args)
  role, target, latest = args[1], args[2], tonumber(args[3])
  if role == "api" then
    wrk.path = "/api/v1/articles"
    wrk.headers["Authorization"] = "Bearer " .. target
  elseif role == "article" then
    wrk.path = "/articles/" .. target
  end
  math.randomseed(os.time())
end

function request()
  if role == "diff" then
    -- Readers open recent changes, in the diff's canonical URL (no redirect).
    local to = math.random(latest - 19, latest)
    return wrk.format("GET", string.format("/articles/%s/diff?from=%d&to=%d&view=side", target, to - 1, to))
  end
  return wrk.format()
end

function delay()
  if role == "api" then
    return 0
  end
  return math.random(500, 1500)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "non_2xx_3xx": %d, "socket_errors": %d, ' ..
    '"p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f}\n',
    summary.requests, summary.duration / 1e6, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
