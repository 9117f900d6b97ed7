-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- date and duration arithmetic at the integer limits: each must raise or
-- give a value, never overflow (UBSan checks), in a loop.
local at = require "attache"
local d = at.date("2024-02-29")
local big = {math.maxinteger, math.mininteger, math.maxinteger - 1, math.mininteger + 1}
while true do
  for _, n in ipairs(big) do
    pcall(function() return d + at.years(n) end)
    pcall(function() return d - at.months(n) end)
    pcall(function() return at.days(n) * -1 end)
    pcall(function() return -at.seconds(n) end)
    pcall(function() return at.days(n) + at.days(n) end)
    pcall(function() return at.date(n) - at.date(-n) end)
    pcall(at.date, {year = n, month = 1})
  end
end
