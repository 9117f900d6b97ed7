-- expect: may not write|rules stopped|time limit exceeded|past its time limit
-- mode: serve
-- calls: 5
-- a reminder's message function and an at.on rule that add events without
-- end: the writes of callbacks other than rules must be bounded too.
local at = require "attache"
at.remind{name = "msg", match = {kind = "meeting"}, before = "1m", message = function(ev)
  for i = 1, 1000 do at.add{title = "from message", when = "2024-06-01T00:02:00Z", kind = "meeting"} end
  return "m"
end}
at.add{title = "the meeting", when = "2024-06-01T00:03:00Z", kind = "meeting"}
at.on("add", function(ev)
  if ev.kind == "meeting" then at.add{title = "echo", when = "2024-06-01T00:03:00Z", kind = "meeting"} end
end)
