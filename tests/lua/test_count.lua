-- at.count without `where` neither sorts its matches nor reads their
-- dates (bindings/lua/lua_attache.c): it must count what at.query lists,
-- for every kind of spec: filters, windows that expand recurring events
-- into occurrences, sorts and limits, and as of a past time.  Runs in a
-- fresh empty store (tests/lua/run.sh).
local t = require "tap"
local at = require "attache"

local kinds, actors = {"meeting", "visit", "talks"}, {"JPN", "KHM", "THA"}
at.batch(function()
  for i = 1, 240 do
    local y, m = 2020 + i % 6, 1 + i % 12
    local ev = {title = "event " .. i, when = ("%04d-%02d-%02d"):format(y, m, 1 + i % 28),
                kind = kinds[1 + (i // 7) % 3], status = i % 4 == 0 and "planned" or "held",
                actors = {actors[1 + i % 3], i % 5 == 0 and actors[1 + (i + 1) % 3] or nil},
                tags = i % 7 == 0 and {"economy"} or nil}
    if i % 20 == 0 then ev.recur = i % 40 == 0 and "FREQ=YEARLY" or "FREQ=MONTHLY;COUNT=5" end
    if i % 9 == 0 then ev.when = ("%04d-%02d"):format(y, m) end
    assert(at.add(ev))
  end
end)
local past = at.now()
at.batch(function()
  for ev in at.each{kind = "talks", sort = "id"} do
    if ev.id % 2 == 0 then assert(at.remove(ev)) end
  end
end)

local specs = {
  {}, {kind = "visit"}, {actor = "JPN"}, {actor = {"JPN", "KHM"}}, {tag = "economy"},
  {status = "planned", kind = "meeting"},
  {from = "2022-01-01", to = "2022-12-31"},
  {from = "2023-01-01", to = "2023-06-30", actor = "KHM"},
  {from = "2021", to = "2024", kind = "visit", status = "held"},
  {from = "2022"}, {to = "2021-06"},
  {from = "2022-01-01", to = "2022-12-31", expand = false},
  {sort = "-when", limit = 7}, {from = "2020", to = "2030", limit = 12},
  {from = "2020", to = "2030", sort = "title", desc = true},
  {kind = "talks", as_of = past}, {from = "2021", to = "2022", as_of = past},
}
local occ = 0
for i, spec in ipairs(specs) do
  local list = at.query(spec)
  for _, ev in ipairs(list) do if at.is_occurrence(ev) then occ = occ + 1 end end
  t.is(at.count(spec), #list, ("spec %d: at.count is #at.query (%d)"):format(i, #list))
end
t.ok(occ > 20, ("windows expanded recurring events (%d occurrences)"):format(occ))
t.is(at.count{from = "2022-01-01", to = "2022-12-31"},
     at.count{from = "2022-01-01", to = "2022-12-31", where = function() return true end},
     "a window: the same count with a where that keeps everything")
t.done()
