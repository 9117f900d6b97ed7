-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory
-- at.query of the whole store sorted by title, again and again: C work and
-- C memory per call, a few instructions per event.
local at = require "attache"
while true do local q = at.query{sort = "-title"} end
