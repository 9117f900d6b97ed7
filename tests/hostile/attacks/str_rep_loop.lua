-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- 8 MiB strings built again and again: one instruction each, megabytes of
-- memset each time.
local s
while true do s = ("x"):rep(8 << 20) s = nil end
