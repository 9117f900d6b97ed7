-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- a to-be-closed variable of the main chunk that loops when the chunk
-- returns, and another when it raises.
local x <close> = setmetatable({}, {__close = function() while true do end end})
local y <close> = setmetatable({}, {__close = function() while true do end end})
error("leaving")
