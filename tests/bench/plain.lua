-- The peer of each.lua: a plain Lua 5.4 loop over an array of N prebuilt
-- tables calling the same function (`lua5.4 plain.lua EVENTS.jsonl`).  The
-- tables (title, kind, status, when, actors, tags: the fields a filter
-- reads) are built from the JSON Lines with string patterns first; only
-- the loop is timed (os.clock: CPU time).
local evs, n = {}, 0
for line in io.lines(arg[1]) do
  local actors = {}
  for a in (line:match('"actors":%[(.-)%]') or ""):gmatch('"(.-)"') do
    actors[#actors + 1] = a
  end
  local tags = {}
  for a in (line:match('"tags":%[(.-)%]') or ""):gmatch('"(.-)"') do
    tags[#tags + 1] = a
  end
  n = n + 1
  evs[n] = {id = n, title = line:match('"title":"(.-)"'), kind = line:match('"kind":"(.-)"'),
            status = line:match('"status":"(.-)"'), when = line:match('"when":"(.-)"'),
            actors = actors, tags = tags}
end
local function fn(ev) return ev.kind == "visit" end
local t = os.clock()
local m = 0
for i = 1, n do
  if fn(evs[i]) then m = m + 1 end
end
print(string.format("plain: %d matches in %.3f s", m, os.clock() - t))
