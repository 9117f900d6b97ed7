-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- upper/lower/reverse on a 16 MiB string: one instruction, O(n) in C each.
local s = ("a"):rep(15 << 20)
while true do local u = s:upper() u = s:reverse() u = nil end
