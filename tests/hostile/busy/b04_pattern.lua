-- tests/hostile/hostile.c sigterm: a pattern class scanned in full at each
-- place, again and again.
local at = require "attache"
at.every("1s", function()
  local n = 200000
  local s, p = ("a"):rep(n), "[" .. ("b"):rep(n) .. "]"
  while true do s:find(p) end
end)
