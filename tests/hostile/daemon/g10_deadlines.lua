-- tests/hostile/daemon.sh, good: reminders three minutes before each
-- deadline, with a message function.
local at = require "attache"
at.remind{name = "g10", match = {kind = "deadline"}, before = "3m",
  message = function(ev, lead) return "g10 " .. ev.key .. " in " .. lead end}
