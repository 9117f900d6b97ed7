-- tests/hostile/daemon.sh, hostile: finalizers by every way known: the
-- metatables of module objects, __gc = false then a function, io handles.
local at = require "attache"
at.every("1m", function()
  pcall(function() getmetatable(at.days(1)).__gc = function() while true do end end end)
  pcall(function() getmetatable(at.null).__gc = function() while true do end end end)
  pcall(function() getmetatable(io.stdout).__gc = function() while true do end end end)
  pcall(function()
    local mt = {__gc = false}
    setmetatable({}, mt)
    mt.__gc = function() while true do end end
  end)
  local _ = at.days(2)
  collectgarbage()
  error("h07 tried its finalizers")
end)
