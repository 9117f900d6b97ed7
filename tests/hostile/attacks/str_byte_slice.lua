-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- string.byte of a near-maximal slice: a million values pushed per call.
local s = ("z"):rep(990000)
while true do local n = select("#", s:byte(1, -1)) end
