-- expect: not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- mode: serve
-- two million schedules and rules registered by one main chunk: each one
-- C memory of the daemon.
local at = require "attache"
local f = function() end
for i = 1, 2000000 do
  at.every("1h", f)
  at.on("add", f)
  at.cron("0 0 1 1 *", f)
end
