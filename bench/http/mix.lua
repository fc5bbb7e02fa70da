-- mix.lua -- the request mix of the HTTP soak (bench/http/soak.sh, and the
-- short soak of tests/http/run_http.sh), for wrk with the test guest of
-- tests/http. Of every 1000 requests: 810 GET /hello, 80 GET /state (a
-- fresh instance each time), 60 GET /kv (keyvalue inside a request), 49 GET
-- /trap (a trap: 500) and 1 GET /loop (runs until the request timeout:
-- 504). done() prints "status CODE COUNT" per status and "bad N": answers
-- that none of these routes gives (a 200 whose body is neither "hello" nor
-- a number, a 500 or 504 without the server's text, any other status).
local paths = {}
for i = 1, 810 do paths[#paths + 1] = "/hello" end
for i = 1, 80 do paths[#paths + 1] = "/state" end
for i = 1, 60 do paths[#paths + 1] = "/kv" end
for i = 1, 49 do paths[#paths + 1] = "/trap" end
paths[#paths + 1] = "/loop"

local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

n, statuses, bad = 0, {}, 0

function request()
  n = n + 1
  return wrk.format("GET", paths[(n * 397 + id * 101) % #paths + 1]) -- slow ones spread out
end

local expected = {[500] = "Internal Server Error", [504] = "Gateway Timeout"}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local ok
  if status == 200 then
    ok = body == "hello" or body:match("^%d+$") ~= nil
  else
    ok = expected[status] ~= nil and body == expected[status]
  end
  if not ok then
    bad = bad + 1
    if bad <= 3 then io.stderr:write(string.format("unexpected: %d %s\n", status, body:sub(1, 80))) end
  end
end

function done(summary, latency, requests)
  local all, nbad = {}, 0
  for _, t in ipairs(threads) do
    for code, count in pairs(t:get("statuses")) do all[code] = (all[code] or 0) + count end
    nbad = nbad + t:get("bad")
  end
  for code, count in pairs(all) do io.write(string.format("status %d %d\n", code, count)) end
  io.write(string.format("bad %d\n", nbad))
end
