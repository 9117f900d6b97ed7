-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- table.unpack of nearly a million values through a C __index, in a loop.
local t = setmetatable({}, {__index = rawlen})
while true do local n = select("#", table.unpack(t, 1, 999000)) end
