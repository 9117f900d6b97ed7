-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- table.sort of every event of the store by their C __lt (each compare
-- reads both events' dates), repeatedly.
local at = require "attache"
local evs = at.query{}
while true do
  table.sort(evs, function(a, b) return b < a end)
  table.sort(evs)
end
