-- tests/hostile/daemon.sh, hostile: an endless Lua loop every minute, and
-- one that catches the budget error and loops again.
local at = require "attache"
at.every("1m", function() while true do end end)
at.every("2m", function() while true do pcall(function() while true do end end) end end)
