-- expect: not enough memory
-- mode: serve
-- 40 reminders with 5 leads each over a store of 20,000 events: the plans
-- are C memory held for the script (issue 12, finding 4, at this size).
local at = require "attache"
for i = 1, 40 do
  at.remind{name = "plan" .. i, before = {"1m", "2m", "3m", "4m", "5m"}}
end
