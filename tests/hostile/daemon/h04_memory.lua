-- tests/hostile/daemon.sh, hostile: memory hogs, in Lua and in C (cursors
-- kept across calls).
local at = require "attache"
local keep = {}
at.every("1m", function()
  local t = {}
  for i = 1, math.huge do t[i] = ("x"):rep(100) .. i end
end)
at.every("45s", function()
  for _ = 1, 100000 do
    local _, _, _, cur = at.each{}
    keep[#keep + 1] = cur
  end
end)
