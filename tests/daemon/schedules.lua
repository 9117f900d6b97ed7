-- Schedules over a year: counts and order (tests/cli/serve.sh).
local at = require "attache"
local n = {every = 0, cron = 0, at = 0}
at.every("1d", function(info)
  n.every = n.every + 1
  if n.every <= 2 then print("every", info.due, info.late) end
end)
at.cron("0 8 * * MON", function(info)
  n.cron = n.cron + 1
  if n.cron <= 2 then print("cron", info.due) end
end)
at.at("2024-03-15T10:30:00Z", function(info)
  n.at = n.at + 1
  print("at", info.due, at.now())
end)
local gone = at.every("1h", function() print("cancelled job ran") end)
print("cancel", gone:cancel(), gone:cancel())
at.at("2024-12-31T23:00:00Z", function(info)
  print("counts", info.due, "every", n.every, "cron", n.cron, "at", n.at)
end)
