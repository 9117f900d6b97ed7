-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- os.date and os.time at the integer and float limits, in a loop.
while true do
  pcall(os.date, "*t", math.maxinteger)
  pcall(os.date, "!%c", math.mininteger)
  pcall(os.date, "%Y", 2^63)
  pcall(os.time, {year = math.maxinteger, month = 1, day = 1})
  pcall(os.time, {year = -(1 << 31), month = math.mininteger, day = 1})
end
