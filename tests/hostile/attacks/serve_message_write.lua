-- expect: may not write|rules stopped|time limit exceeded|past its time limit
-- mode: serve
-- calls: 11
-- a reminder's message function and an at.on rule that add events without
-- end: the writes of callbacks other than rules must be bounded too.
-- The rule's chain stops at 8 echoes, so ten meetings are due and ten
-- message calls run, each stopped by max-time or by the 1,000 changes of
-- one turn: 10 calls of at most 1 s, and the rules' turns.  (Declared as 5
-- before, it held only while the adds were fast: under ASan on a slower
-- machine the ten calls took 6.8 s of CPU.)
local at = require "attache"
at.remind{name = "msg", match = {kind = "meeting"}, before = "1m", message = function(ev)
  for i = 1, 1000 do at.add{title = "from message", when = "2024-06-01T00:02:00Z", kind = "meeting"} end
  return "m"
end}
at.add{title = "the meeting", when = "2024-06-01T00:03:00Z", kind = "meeting"}
at.on("add", function(ev)
  if ev.kind == "meeting" then at.add{title = "echo", when = "2024-06-01T00:03:00Z", kind = "meeting"} end
end)
