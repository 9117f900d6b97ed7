-- expect: __gc|attempt to index|protected metatable|held:
-- the classic Lua trick: a metatable with __gc = false marks the object for
-- finalization, a function put there later is then the finalizer.
local mt = {__gc = false}
local t = setmetatable({}, mt)
mt.__gc = function() while true do end end
t = nil
collectgarbage()
error("held: no finalizer ran")
