-- expect: attempt to index|protected metatable|held:|C stack overflow|stack overflow
-- at.null's metatable given an __index that loops on itself, and a __gc.
local at = require "attache"
local mt = getmetatable(at.null)
mt.__index = function(t, k) return t[k] end
mt.__gc = function() while true do end end
local _ = at.null.x
error("held: __index was not taken")
