-- tests/hostile/daemon.sh, good: an alert every 30 seconds.
local at = require "attache"
at.every("30s", function(info) at.alert{title = "g02 " .. tostring(info.due)} end)
