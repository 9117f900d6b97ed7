-- at.count without `where` neither sorts its matches nor reads their
-- dates (bindings/lua/lua_attache.c): it must count what at.query lists,
-- for every kind of spec: filters, windows that expand recurring events
-- into occurrences, sorts and limits, and as of a past time.  at.tally
-- and report.tally (core/tally.h) must give the counts of a Lua loop over
-- the same events.  Runs in a fresh empty store (tests/lua/run.sh); the
-- snapshot's side of at.tally is tests/unit/test_tally.c.
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
-- at.tally: the counts a Lua loop over the same events gives
local function loop(spec, by, by2)
  local function vals(ev, b)
    if b == "actor" then return ev.actors end
    if b == "tag" then return ev.tags end
    if b == "year" or b == "month" then
      local s = ev.when:seconds()
      return {os.date(b == "year" and "!%Y" or "!%Y-%m", s)}
    end
    return {ev[b]}
  end
  local c, n = {}, 0
  spec = spec or {}
  spec.expand = false
  for ev in at.each(spec) do
    for _, a in ipairs(vals(ev, by)) do
      if by2 == nil then
        c[a] = (c[a] or 0) + 1
      else
        c[a] = c[a] or {}
        for _, b in ipairs(vals(ev, by2)) do c[a][b] = (c[a][b] or 0) + 1 end
      end
    end
  end
  for k, v in pairs(c) do if by2 and next(v) == nil then c[k] = nil end end
  return c
end
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
for _, spec in ipairs{{}, {kind = "visit"}, {from = "2022-01-01", to = "2023-06-30"}, {actor = "JPN", status = "held"},
                      {kind = "talks", as_of = past}} do
  for _, by in ipairs{{"actor"}, {"tag"}, {"kind"}, {"status"}, {"year"}, {"month"}, {"actor", "year"},
                      {"kind", "actor"}, {"month", "tag"}} do
    local s1, s2 = {}, {}
    for k, v in pairs(spec) do s1[k], s2[k] = v, v end
    t.ok(same(at.tally(s1, by[1], by[2]), loop(s2, by[1], by[2])),
         ("at.tally by %s: the counts of a loop over the events"):format(table.concat(by, " and ")))
  end
end
local k = at.tally({}, "kind")
t.is(k.visit, at.count{kind = "visit"}, "a kind's count is at.count's")
t.raises(function() at.tally({}, "colour") end, "count by actor, tag, kind, status, year or month, not 'colour'",
         "an unknown dimension")
t.raises(function() at.tally({}, "kind", "kind") end, "counting by kind twice", "the same dimension twice")
t.raises(function() at.tally({where = function() return true end}, "kind") end,
         "option 'where' is not one of tally's", "where is refused")
t.raises(function() at.tally({kinds = "x"}, "kind") end, "unknown option 'kinds'", "an unknown option")
local r = at.report
local rows = r.tally({}, "kind")
t.is(#rows, 3, "report.tally: a row per kind")
t.ok(rows[1].key < rows[2].key and rows[2].key < rows[3].key, "in key order")
t.is(rows[2].count, k[rows[2].key], "with at.tally's counts")
local pairs2 = r.tally({}, "kind", "actor")
t.ok(#pairs2 >= 6 and pairs2[1].key2 ~= nil, "report.tally by two: key, key2, count")
t.raises(function() r.tally({}, "where") end, "to 'report.tally'", "report.tally names itself in errors")
t.done()
