-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- warnings without end, each a megabyte (they go to the log, stderr).
local s = ("w"):rep(1 << 20)
while true do warn(s) warn("@on") warn(s, s, s) end
