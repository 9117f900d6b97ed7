-- tests/hostile/daemon.sh, good: a rule that raises an alert for each visit
-- added (g08 adds three).
local at = require "attache"
at.on("add", function(ev)
  if ev.kind == "visit" then at.alert{title = "g07 added " .. ev.key} end
end)
