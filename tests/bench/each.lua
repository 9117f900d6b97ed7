-- The Lua filter workload through attache: at.each{where = fn} over every
-- event of the store (`attache run each.lua [SORT]`, SORT "when" or "id").
-- Prints the matches and the time of the loop alone (os.clock: CPU time).
local at = require "attache"
local sort = (arg and arg[1]) or "when"
local function fn(ev) return ev.kind == "visit" end
local t = os.clock()
local n = 0
for _ in at.each{where = fn, sort = sort} do n = n + 1 end
print(string.format("each %s: %d matches in %.3f s", sort, n, os.clock() - t))
