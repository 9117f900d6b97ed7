-- expect: not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- at.each iterators over the whole store, each kept open with its C
-- cursor (an array of every id): thousands of them.
local at = require "attache"
local keep = {}
while true do
  local f, s, c, cur = at.each{}
  f()
  keep[#keep + 1] = cur
end
