-- wrk script for bench_http.sh: each request GETs the next path of a file
-- (one per line), with the bearer token from the environment, so the load
-- spreads over many weapons and serials rather than one cached answer.
-- usage: wrk -s bench/http_paths.lua URL -- PATHS_FILE
local paths = {}
local n = 0
local token = os.getenv("WAM_BENCH_TOKEN")

function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    paths[n] = line
  end
  -- threads start at different places in the list: each thread's Lua state
  -- seeds from the address of a table of its own
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  n_start = math.random(n)
end

local i = 0
function request()
  i = i + 1
  local path = paths[(n_start + i) % n + 1]
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
