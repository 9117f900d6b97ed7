-- tests/hostile/daemon.sh, good: an alert (no key: a second firing would
-- show) every simulated minute.
local at = require "attache"
at.every("1m", function(info) at.alert{title = "g01 " .. tostring(info.due)} end)
