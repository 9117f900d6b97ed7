-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- table.concat over maxinteger elements read through a C __index: the
-- buffer grows in C by one byte a step.
local t = setmetatable({}, {__len = function() return math.maxinteger end,
  __index = rawlen})
table.concat(t)
