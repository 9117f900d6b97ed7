-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- %q quadruples NUL bytes ("\0" becomes "\0" escaped): a 4 MiB input
-- gives 16 MiB out, then 64 MiB through a second round.
local s = ("\0"):rep(4 << 20)
while true do s = string.format("%q", s) end
