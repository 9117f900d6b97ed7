-- tests/hostile/daemon.sh, good: a cron job every other minute.
local at = require "attache"
at.cron("*/2 * * * *", function(info) at.alert{title = "g03 " .. tostring(info.due)} end)
