-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- at.json.decode of 4 million nested arrays: the decoder must not recurse
-- on the C stack without bound.
local at = require "attache"
local s = ("["):rep(4000000) .. ("]"):rep(4000000)
while true do local v = at.json.decode(s) end
