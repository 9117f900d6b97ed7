-- expect: not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- a million coroutines suspended inside at.each loops: each one a Lua
-- stack and a C cursor.
local at = require "attache"
local keep = {}
while true do
  local co = coroutine.create(function() for ev in at.each{} do coroutine.yield() end end)
  coroutine.resume(co)
  keep[#keep + 1] = co
end
