-- expect: attempt to index|protected metatable|held:|not allowed
-- a finalizer for file handles (io.stdout's metatable), run when a handle
-- is collected or when the state closes at exit.
local mt = getmetatable(io.stdout)
mt.__gc = function() while true do end end
local f = io.open(arg[1] .. "/gc.txt", "w")
f = nil
collectgarbage()
error("held: no finalizer ran")
