-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- output without end: a megabyte per print, to standard output.
local s = ("p"):rep(1 << 20)
while true do print(s) io.write(s) end
