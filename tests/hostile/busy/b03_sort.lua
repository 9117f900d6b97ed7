-- tests/hostile/hostile.c sigterm: a sort that runs in C alone.
local at = require "attache"
at.every("1s", function()
  table.sort(setmetatable({}, {__len = function() return (1 << 31) - 2 end,
    __index = rawlen, __newindex = rawequal}))
end)
