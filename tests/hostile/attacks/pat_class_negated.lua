-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- a negated class made of a range list and escapes, via match with an
-- anchor-less pattern that never matches.
local cls = ("%d%sb-b"):rep(60000)
local s = ("a"):rep(150000)
while true do s:match("[^" .. cls .. "a]") end
