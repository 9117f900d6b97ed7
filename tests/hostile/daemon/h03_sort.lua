-- tests/hostile/daemon.sh, hostile: a sort that runs in C alone, and a
-- pattern class scanned in full at each place.
local at = require "attache"
at.every("2m", function()
  table.sort(setmetatable({}, {__len = function() return (1 << 31) - 2 end,
    __index = rawlen, __newindex = rawequal}))
end)
at.every("90s", function()
  local n = 200000
  return (("a"):rep(n)):find("[" .. ("b"):rep(n) .. "]")
end)
