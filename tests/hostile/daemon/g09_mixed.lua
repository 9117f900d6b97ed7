-- tests/hostile/daemon.sh, good: an hourly cron (due once, at the start)
-- and a job every two and a half minutes.
local at = require "attache"
at.cron("0 * * * *", function(info) at.alert{title = "g09 cron " .. tostring(info.due)} end)
at.every("2m30s", function(info) at.alert{title = "g09 every " .. tostring(info.due)} end)
