-- tests/hostile/daemon.sh, hostile: a reminder's where function that
-- writes (issue 12, finding 3), with another kind so that the good
-- reminders are not concerned.
local at = require "attache"
at.remind{name = "h05", where = function(ev)
  at.add{title = "from where", when = "2024-06-01T00:05:00Z", kind = "hostile"}
  return true
end}
