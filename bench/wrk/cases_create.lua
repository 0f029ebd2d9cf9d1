-- Durable case creation: POST /api/cases (one case per request) or, with a batch size,
-- POST /api/cases/batch (a 民情收集站 batch of N cases). Every answer waits for its commit.
-- wrk ... -s bench/wrk/cases_create.lua URL -- COOKIE CSRF PLACES_FILE CATEGORIES_FILE [BATCH]
-- (places and categories taken in turn, so cases spread as reports do).
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
local common = require("common")
setup, done, response = common.setup, common.done, common.response

local headers, places, categories, batch, n = {}, {}, {}, 0, 0
function init(args)
  headers["Cookie"] = "xf_session=" .. args[1]
  headers["X-CSRF-Token"] = args[2]
  headers["Content-Type"] = "application/json"
  for line in io.lines(args[3]) do
    if line ~= "" then places[#places + 1] = line end
  end
  for line in io.lines(args[4]) do
    if line ~= "" then categories[#categories + 1] = line end
  end
  batch = tonumber(args[5] or "0")
  n = (id or 1) * 1000003
end

local function one()
  n = n + 1
  return string.format('{"category":"%s","title":"压测诉求 %d","description":' ..
    '"楼道灯不亮，晚上出入不便，请尽快维修。编号 %d","place_id":%s}',
    categories[n % #categories + 1], n, n, places[n % #places + 1])
end

function request()
  if batch == 0 then
    return wrk.format("POST", "/api/cases", headers, one())
  end
  local items = {}
  for k = 1, batch do items[k] = one() end
  return wrk.format("POST", "/api/cases/batch", headers,
    '{"channel":"station","items":[' .. table.concat(items, ",") .. ']}')
end
