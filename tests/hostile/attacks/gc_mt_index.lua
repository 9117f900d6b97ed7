-- expect: __gc|held:
-- a metatable whose own __index provides __gc (the ban must read the
-- field raw, as Lua does), and a metatable proxied through __pairs.
local mt = setmetatable({}, {__index = {__gc = function() while true do end end}})
local t = setmetatable({}, mt)
rawset(mt, "__gc", function() while true do end end)
t = nil
collectgarbage()
error("held: no finalizer ran")
