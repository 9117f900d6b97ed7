-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- utf8.char of 900,000 code points, and utf8.len / offset on 12 MiB, in
-- a loop: O(n) each, one instruction each.
local cps = {}
for i = 1, 900000 do cps[i] = 0x10FFFF end
local s = utf8.char(table.unpack(cps))
while true do local _ = utf8.len(s) _ = utf8.offset(s, -1) _ = utf8.char(table.unpack(cps)) end
