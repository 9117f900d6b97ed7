-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- an endless loop inside a where function called from the C loop of
-- at.each, caught by pcall each time.
local at = require "attache"
while true do
  pcall(function() for _ in at.each{where = function() while true do end end} do end end)
end
