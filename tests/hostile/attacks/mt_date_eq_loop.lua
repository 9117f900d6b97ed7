-- expect: attempt to index|protected metatable|time limit exceeded|past its time limit|instruction budget exhausted
-- __eq and __lt of dates replaced by loops, then dates compared from C
-- (table.sort) and from Lua.
local at = require "attache"
local mt = getmetatable(at.date("2024"))
mt.__lt = function() while true do end end
mt.__eq = function() while true do end end
local ds = {at.date("2024"), at.date("2023"), at.date("2025")}
table.sort(ds)
local _ = ds[1] == ds[2]
