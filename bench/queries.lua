-- The window+actor queries through `attache run queries.lua QUERIES
-- [MAX]` (the file of `gen --queries`, given to the sandbox with --read):
-- at.count{actor =, from =, to =} for each line.  Prints the matches and
-- the time of the loop alone.
local at = require "attache"
local qs = {}
for line in io.lines(arg[1]) do
  local a, f, t = line:match("^([^\t]+)\t(%-?%d+)\t(%-?%d+)")
  qs[#qs + 1] = {a, tonumber(f), tonumber(t)}
end
local max = tonumber(arg[2]) or #qs
local t0 = os.clock()
local hits = 0
for i = 1, math.min(max, #qs) do
  local q = qs[i]
  hits = hits + at.count{actor = q[1], from = q[2], to = q[3]}
end
local dt = os.clock() - t0
print(string.format("%d queries, %d hits, %.3f s (%.1f us/query, %.0f queries/s)",
  math.min(max, #qs), hits, dt, dt / math.min(max, #qs) * 1e6, math.min(max, #qs) / dt))
