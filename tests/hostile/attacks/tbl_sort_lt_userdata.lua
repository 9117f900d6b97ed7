-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- table.sort of 200,000 dates: every comparison is a C __lt, which the
-- instruction hook never sees.
local at = require "attache"
local ds = {}
for i = 1, 200000 do ds[i] = at.date((i * 7919) % 200000 + 1) end
while true do table.sort(ds) table.sort(ds, function(a, b) return b < a end) end
