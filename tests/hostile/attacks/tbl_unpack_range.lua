-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- table.unpack with ranges at the integer limits: each must be refused
-- quickly, in a loop that only a limit ends.
local t = {}
while true do
  pcall(table.unpack, t, math.mininteger, math.maxinteger)
  pcall(table.unpack, t, 1, math.maxinteger)
  pcall(table.unpack, t, math.maxinteger - 5, math.maxinteger)
end
