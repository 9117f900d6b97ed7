-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- the friendly date reader on a 4 MB string of words and numbers.
local at = require "attache"
local s = ("early 2024 and the "):rep(200000)
while true do local d = at.date(s) d = at.edtf(s) end
