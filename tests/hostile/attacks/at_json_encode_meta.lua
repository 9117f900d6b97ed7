-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- at.json.encode of tables whose metamethods are C functions that claim a
-- huge length, and of a 200,000-deep nest.
local at = require "attache"
local t = setmetatable({}, {__len = function() return math.maxinteger end, __index = rawlen})
local deep = {}
for _ = 1, 200000 do deep = {deep} end
while true do pcall(at.json.encode, t) pcall(at.json.encode, deep) end
