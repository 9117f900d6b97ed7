-- expect: attempt to index|protected metatable|held:
-- the cursor's own finalizer replaced: a cursor is collected at the end.
local at = require "attache"
local _, _, _, cur = at.each{}
getmetatable(cur).__gc = function() while true do end end
getmetatable(cur).__close = function() while true do end end
cur = nil
for _ = 1, 10 do for ev in at.each{limit = 2} do end end
collectgarbage()
error("held: no finalizer ran")
