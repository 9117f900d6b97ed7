-- Cron across the daylight-saving changes of Europe/Berlin in 2024.
local at = require "attache"
at.cron("30 2 * * *", function(info)
  local d = tostring(info.due)
  if d:match("^2024%-03%-3") or d:match("^2024%-10%-2[6-8]") then print("fixed", d) end
end)
at.cron("0 * * * *", function(info)
  local d = tostring(info.due)
  if d:match("^2024%-10%-27T0[0-2]") or d:match("^2024%-03%-31T0[0-2]") then print("hourly", d) end
end)
