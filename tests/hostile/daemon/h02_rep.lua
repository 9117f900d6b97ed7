-- tests/hostile/daemon.sh, hostile: C functions without end (issue 12,
-- finding 1) every minute.
local at = require "attache"
at.every("1m", function() return string.rep("", math.maxinteger) end)
at.every("3m", function()
  table.remove(setmetatable({}, {__len = function() return math.maxinteger end,
    __index = rawlen, __newindex = rawequal}), 1)
end)
