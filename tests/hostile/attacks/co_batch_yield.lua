-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- yields across at.batch and across at.each's where, from coroutines, in
-- a loop: each is refused (batch rolled back), only a limit ends it.
local at = require "attache"
while true do
  local co = coroutine.wrap(function()
    at.batch(function() at.add{title = "y", when = "2024", kind = "hostile"} coroutine.yield() end)
  end)
  pcall(co)
  co = coroutine.wrap(function()
    for _ in at.each{where = function() coroutine.yield() return true end} do end
  end)
  pcall(co)
end
