-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- a frontier with a huge class, through gmatch: %f[...] reads the class
-- at each position.
local n = 200000
local s, p = ("a"):rep(n), "%f[" .. ("b"):rep(n) .. "]"
while true do for _ in s:gmatch(p) do end end
