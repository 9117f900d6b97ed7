-- The Lua filter workload through attache: at.each{where = fn} over every
-- event of the store (`attache run each.lua [SORT [REPS]]`, SORT "when" or
-- "id", REPS passes, default 5).  Prints the matches and the median CPU
-- time (os.clock) of one pass of the loop alone; the first pass also
-- brings the store's pages in, as the peer's first pass does its tables.
local at = require "attache"
local sort = (arg and arg[1]) or "when"
local reps = tonumber(arg and arg[2]) or 5
local function fn(ev) return ev.kind == "visit" end
local times, n = {}, 0
for r = 1, reps do
  local t = os.clock()
  n = 0
  for _ in at.each{where = fn, sort = sort} do n = n + 1 end
  times[r] = os.clock() - t
end
table.sort(times)
print(string.format("each %s: %d matches in %.4f s (median of %d passes, first-to-last %.4f-%.4f)",
                    sort, n, times[(reps + 1) // 2], reps, times[1], times[reps]))
