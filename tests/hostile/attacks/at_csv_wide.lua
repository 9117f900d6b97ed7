-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- at.csv.rows on a file with a header of 2 million columns and rows of 2
-- million fields, read again and again.
local at = require "attache"
local out = arg[1]
local f = assert(io.open(out .. "/wide.csv", "w"))
local row = ("a,"):rep(2000000) .. "a\n"
f:write(row, row, row)
f:close()
while true do
  for r in at.csv.rows(out .. "/wide.csv", {header = false}) do end
  pcall(function() for r in at.csv.rows(out .. "/wide.csv") do end end)
end
