-- tests/hostile/hostile.c sigterm: a C function without end every second.
local at = require "attache"
at.every("1s", function() return string.rep("", math.maxinteger) end)
