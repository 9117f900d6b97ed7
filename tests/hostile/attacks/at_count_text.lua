-- expect: time limit exceeded|past its time limit|instruction budget exhausted
-- at.count with a text filter: a scan of every event's text in C, one
-- instruction per call.
local at = require "attache"
while true do local _ = at.count{text = "words scan zzzz"} end
