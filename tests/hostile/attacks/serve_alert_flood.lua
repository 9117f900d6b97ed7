-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- mode: serve
-- one callback raising alerts with new keys until a limit stops it: each
-- is synced to the alert log and printed.
local at = require "attache"
at.at("2024-06-01T00:01:00Z", function()
  local i = 0
  while true do
    i = i + 1
    at.alert{key = "flood-" .. i, title = ("flood "):rep(100) .. i}
  end
end)
