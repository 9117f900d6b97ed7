-- expect: not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- at.json.decode of an array of 6 million numbers: more Lua memory than
-- the cap, built in C.
local at = require "attache"
local s = "[" .. ("1,"):rep(6000000) .. "1]"
while true do local v = at.json.decode(s) end
