-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- reminders on events that recur every second, and every day, for ever:
-- planning must not expand the recurrence.
-- mode: serve
-- calls: 6
local at = require "attache"
for i = 1, 200 do
  at.add{title = "recurring " .. i, kind = "hostile-recur", when = "2024-05-31T23:59:00Z",
         recur = i % 2 == 0 and "FREQ=SECONDLY" or "FREQ=DAILY;INTERVAL=1"}
end
at.remind{name = "recur", match = {kind = "hostile-recur"}, before = {"0", "1m", "1h"}}
at.every("1m", function() while true do end end)
