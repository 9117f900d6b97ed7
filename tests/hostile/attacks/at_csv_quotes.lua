-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- at.csv.rows on a quoted field of 20 MB of doubled quotes, never closed.
local at = require "attache"
local out = arg[1]
local f = assert(io.open(out .. "/q.csv", "w"))
local dq = ('""'):rep(2500000)
f:write("a\n\"", dq, dq, dq, dq, "\n")
f:close()
while true do pcall(function() for r in at.csv.rows(out .. "/q.csv") do end end) end
