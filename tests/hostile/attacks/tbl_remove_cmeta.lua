-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- table.remove(t, 1) with __len = maxinteger and C metamethods: the shift
-- down runs in C without end.
local t = setmetatable({}, {__len = function() return math.maxinteger end,
  __index = rawlen, __newindex = rawequal})
table.remove(t, 1)
