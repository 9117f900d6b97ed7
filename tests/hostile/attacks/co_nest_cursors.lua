-- expect: C stack overflow|stack overflow|not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- coroutines nested as deep as they go, each holding an open cursor over
-- the store.
local at = require "attache"
local function nest(n)
  local it = at.each{}
  it()
  return coroutine.wrap(function() return nest(n + 1) end)()
end
nest(1)
