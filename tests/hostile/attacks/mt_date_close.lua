-- expect: attempt to index|protected metatable|time limit exceeded|past its time limit|instruction budget exhausted|held:
-- a __close handler that loops, put on every date through its metatable,
-- then a date used as a to-be-closed variable.
local at = require "attache"
getmetatable(at.date("2024")).__close = function() while true do end end
do local d <close> = at.date("2025") end
error("held: the close handler did not run")
