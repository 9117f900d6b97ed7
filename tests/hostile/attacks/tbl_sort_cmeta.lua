-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- table.sort of 2^31-2 "elements" read through a C __index (rawlen gives 0)
-- and written through a C __newindex: the sort runs in C alone.
local t = setmetatable({}, {__len = function() return (1 << 31) - 2 end,
  __index = rawlen, __newindex = rawequal})
table.sort(t)
