-- tests/cli/serve_kill.sh: keeps a replay busy (a small callback every
-- simulated minute) so that it can be killed half-way, writes to the store
-- every day (a kill may come in the middle of a write), and raises a keyed
-- alert every day at noon.
local at = require "attache"
at.every("1m", function()
  local x = 0
  for i = 1, 400 do x = x + i end
end)
at.cron("0 6 * * *", function(info)
  assert(at.update("kill-counter", {notes = "seen " .. tostring(info.due)}))
end)
at.cron("0 12 * * *", function(info)
  at.alert{key = "noon:" .. tostring(info.due), title = "noon", level = "info"}
end)
