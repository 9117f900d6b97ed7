-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- string.pack with a 2 GB fixed-size field (refused after a full emergency
-- collection, 0.13 s each), then with 200,000 items: few VM instructions
-- between two expensive C calls.
pcall(string.pack, "c2000000000", "")
local fmt = ("i8"):rep(200000)
local vals = {}
for i = 1, 200000 do vals[i] = i end
while true do pcall(string.pack, fmt, table.unpack(vals)) pcall(string.pack, "c2000000000", "") end
