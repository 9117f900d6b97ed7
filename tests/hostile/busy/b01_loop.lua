-- tests/hostile/hostile.c sigterm: a Lua loop every second (no instruction
-- budget in that test: only max-time, 30 s, would end it).
local at = require "attache"
at.every("1s", function() while true do end end)
