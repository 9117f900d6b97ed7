-- The peer of each.lua: a plain Lua 5.4 loop over an array of N prebuilt
-- tables calling the same function (`lua5.4 plain.lua EVENTS.jsonl`).  The
-- tables (title, kind, status, when, actors, tags: the fields a filter
-- reads) are built from the JSON Lines with string patterns first; only
-- the loop is timed (os.clock: CPU time), the median of REPS passes
-- (`lua5.4 plain.lua EVENTS.jsonl [REPS]`, default 5), as each.lua does.
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
local reps = tonumber(arg[2]) or 5
local times, m = {}, 0
for r = 1, reps do
  local t = os.clock()
  m = 0
  for i = 1, n do
    if fn(evs[i]) then m = m + 1 end
  end
  times[r] = os.clock() - t
end
table.sort(times)
print(string.format("plain: %d matches in %.4f s (median of %d passes, first-to-last %.4f-%.4f)",
                    m, times[(reps + 1) // 2], reps, times[1], times[reps]))
