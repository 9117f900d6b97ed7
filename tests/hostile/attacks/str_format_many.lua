-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- string.format with 200 %s of 1 MiB each: the result is built in C.
local big = ("y"):rep(1 << 20)
local args = {}
for i = 1, 200 do args[i] = big end
while true do local r = string.format(("%s"):rep(200), table.unpack(args)) end
