-- Counts and group counts through attache, the workloads bench/duckdb.mjs
-- asks DuckDB (issue 17): `attache run counts.lua [REPS]`.  Prints one
-- line per workload: its name, the median CPU time of REPS passes in ms
-- (os.clock: one thread, as the loop is), and its answer (a count, or
-- groups:total) for comparing with DuckDB's.  The first three are index
-- filters (at.count reads no event); the group counts are done twice:
-- with at.tally (counted in the core) and with the Lua loop an analyst
-- would write without it.
local at = require "attache"
local reps = tonumber(arg and arg[1]) or 5

local function median(f)
  local times, v = {}, nil
  for r = 1, reps do
    local t = os.clock()
    v = f()
    times[r] = os.clock() - t
  end
  table.sort(times)
  return times[(reps + 1) // 2] * 1000, v
end

local function groups(c)
  local g, total = 0, 0
  for _, n in pairs(c) do g, total = g + 1, total + n end
  return g .. ":" .. total
end

local work = {
  {"kind", function() return at.count{kind = "visit"} end},
  {"kind_actor", function() return at.count{kind = "visit", actor = "Japan"} end},
  {"window_status", function() return at.count{from = "2019-01-01", to = "2019-12-31", status = "held"} end},
  {"per_actor", function()
    local c = {}
    for ev in at.each{sort = "id"} do
      for _, a in ipairs(ev.actors) do c[a] = (c[a] or 0) + 1 end
    end
    return groups(c)
  end},
  {"per_actor_tally", function() return groups(at.tally({}, "actor")) end},
  {"kind_year_window_tally", function()
    local c = {}
    for k, years in pairs(at.tally({from = "2010-01-01", to = "2019-12-31"}, "kind", "year")) do
      for y, n in pairs(years) do c[k .. y] = n end
    end
    return groups(c)
  end},
  {"kind_year_window", function()
    local c = {}
    for ev in at.each{from = "2010-01-01", to = "2019-12-31", expand = false, sort = "id"} do
      local k = ev.kind .. os.date("!%Y", (ev.when:seconds()))
      c[k] = (c[k] or 0) + 1
    end
    return groups(c)
  end},
}
for _, w in ipairs(work) do
  local ms, v = median(w[2])
  print(string.format("%s %.3f %s", w[1], ms, tostring(v)))
end
