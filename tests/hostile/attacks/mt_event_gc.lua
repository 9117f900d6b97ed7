-- expect: attempt to index|protected metatable|held:
-- a finalizer put into the metatable of event objects (the __gc ban of
-- setmetatable, bypassed through getmetatable).
local at = require "attache"
local ev = at.query{limit = 1}[1]
local mt = getmetatable(ev)
mt.__gc = function() while true do end end
for _ = 1, 100 do ev = at.get(ev.id) end
ev = nil
collectgarbage()
error("held: no finalizer ran")
