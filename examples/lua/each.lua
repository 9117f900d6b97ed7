-- at.each: walk the events without building a list; stop when done.
local at = require "attache"

for ev in at.each{tag = "peacekeeping"} do
  print(ev.when, ev.title)
end

-- The first event that involves the UN and Japan.
for ev in at.each{where = function(ev) return ev:has_actor("UN") and ev:has_actor("JPN") end} do
  print("first:", ev)
  break
end
