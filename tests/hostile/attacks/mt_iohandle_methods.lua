-- expect: attempt to index|protected metatable|held:|time limit exceeded|past its time limit|instruction budget exhausted
-- the methods of file handles replaced with a loop, and a __close for
-- handles used as to-be-closed variables.
local mt = getmetatable(io.stdout)
mt.__index.write = function() while true do end end
mt.__close = function() while true do end end
do local f <close> = assert(io.open(arg[1] .. "/m.txt", "w")) f:write("x") end
error("held: the replaced method did not run")
