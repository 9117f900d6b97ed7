-- tests/hostile/daemon.sh, hostile: yields across at.batch, coroutines
-- nested without end, close handlers that loop.
local at = require "attache"
at.every("1m", function()
  local co = coroutine.wrap(function() at.batch(function() coroutine.yield() end) end)
  pcall(co)
  local function nest() return coroutine.wrap(nest)() end
  pcall(nest)
  local c2 = coroutine.create(function()
    local x <close> = setmetatable({}, {__close = function() while true do end end})
    coroutine.yield()
  end)
  coroutine.resume(c2)
  coroutine.close(c2)
end)
