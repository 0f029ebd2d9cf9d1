-- GET a list of paths in turn (each thread starting at its own offset): a mixed read
-- workload. wrk ... -s bench/wrk/paths.lua URL -- PATHS_FILE [COOKIE]
-- PATHS_FILE holds one path per line ("/api/cases/12"); a line may repeat to weight it.
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
local common = require("common")
setup, done, response = common.setup, common.done, common.response

local paths, headers, i = {}, {}, 0
function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  if args[2] and args[2] ~= "" then headers["Cookie"] = "xf_session=" .. args[2] end
  i = ((id or 1) * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end
