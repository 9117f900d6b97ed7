-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- string.unpack of a million fields from one format, again and again.
local fmt = ("b"):rep(200000)
local s = ("\1"):rep(200000)
while true do local _ = select("#", string.unpack(fmt, s)) end
