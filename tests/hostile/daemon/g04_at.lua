-- tests/hostile/daemon.sh, good: one-off jobs, two in the window, one
-- after it and one before it (neither of those two may run).
local at = require "attache"
for _, t in ipairs{"2024-06-01T00:03:17Z", "2024-06-01T00:09:59Z", "2024-06-01T00:10:01Z"} do
  at.at(t, function(info) at.alert{title = "g04 " .. tostring(info.due)} end)
end
at.at("2024-05-31T23:59:00Z", function(info) at.alert{title = "g04 past " .. tostring(info.due)} end)
