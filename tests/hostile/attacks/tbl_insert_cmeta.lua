-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- table.insert at 1 with __len = 2^62 and C functions as __index and
-- __newindex: the shift runs in C, calling C, no VM instruction at all.
local t = setmetatable({}, {__len = function() return 1 << 62 end,
  __index = rawlen, __newindex = rawequal})
table.insert(t, 1, 0)
