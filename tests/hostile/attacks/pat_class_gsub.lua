-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- a character class of 200,000 letters scanned at each of 200,000 places,
-- through gsub (the issue's find case, in other functions).
local n = 200000
local s, p = ("a"):rep(n), "[" .. ("b"):rep(n) .. "]"
while true do s:gsub(p, "") end
