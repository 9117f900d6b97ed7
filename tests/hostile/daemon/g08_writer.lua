-- tests/hostile/daemon.sh, good: adds three visits at 00:04 and says so.
local at = require "attache"
at.at("2024-06-01T00:04:00Z", function(info)
  for i = 1, 3 do assert(at.add{title = "visit " .. i, key = "g08-visit-" .. i, kind = "visit",
    when = "2024-07-0" .. i}) end
  at.alert{title = "g08 " .. tostring(info.due)}
end)
