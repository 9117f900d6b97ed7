-- tests/hostile/daemon.sh, hostile: alerts without end in one callback
-- (each is synced to the log and printed).
local at = require "attache"
at.every("3m", function()
  local i = 0
  while true do
    i = i + 1
    at.alert{key = "h08-" .. tostring(at.now()) .. "-" .. i, title = "h08 flood " .. i}
  end
end)
