-- tests/hostile/daemon.sh, hostile: errors in every kind of callback: a
-- schedule, a rule, a reminder's message, an error object whose
-- __tostring fails.
local at = require "attache"
at.every("30s", function() error("h06 every fails") end)
at.on("add", function() error({}) end)
at.on("update", function() error(setmetatable({}, {__tostring = function() error("again") end})) end)
at.remind{name = "h06", match = {kind = "meeting"}, before = "2m",
  message = function() error("h06 message fails") end}
at.cron("* * * * *", function() local x = nil; return x.y end)
