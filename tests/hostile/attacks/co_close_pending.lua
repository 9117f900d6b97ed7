-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- coroutine.close on coroutines suspended with pending close handlers
-- that loop; wrap of a dead coroutine; close of the running one.
while true do
  local co = coroutine.create(function()
    local x <close> = setmetatable({}, {__close = function() while true do end end})
    coroutine.yield()
  end)
  coroutine.resume(co)
  pcall(coroutine.close, co)
  pcall(coroutine.close, coroutine.running())
end
