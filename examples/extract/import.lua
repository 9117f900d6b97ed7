-- Import a folder of press releases (docs/extract.md): each text's
-- proposals that are dated, name two actors or more and are not already
-- in the store are added, a text's in one batch, so that a later text
-- that reports the same event finds it known; the others are listed for
-- a person to review with `attache extract --review FILE`.
--
--   attache run examples/extract/import.lua releases/*.txt
local at = require "attache"

local files = {...}
if #files == 0 then
  io.stderr:write("usage: attache run import.lua FILE...\n")
  os.exit(2)
end

local added, known, left = 0, 0, {}
for _, path in ipairs(files) do
  local f, why = io.open(path)
  if not f then
    io.stderr:write(why, "\n")
    os.exit(1)
  end
  local text = f:read("a")
  f:close()
  local take = {}
  for _, ev in ipairs(at.extract(text)) do
    if ev.known then
      known = known + 1
    elseif ev.when and #ev.actors >= 2 then
      take[#take + 1] = ev
    else
      left[#left + 1] = ("%s: %s, %s (%s)"):format(path:match("[^/]*$"), ev.kind, ev.when or "no date",
                                                  #ev.actors > 0 and table.concat(ev.actors, " ") or "no actors")
    end
  end
  assert(at.batch(function()
    for _, ev in ipairs(take) do
      assert(at.add{title = ev.title, kind = ev.kind, status = ev.status, when = ev.when, actors = ev.actors,
                    where = ev.where, source = ev.source, notes = "From the text: " .. ev.evidence.sentence})
    end
  end))
  added = added + #take
end
print(("%d texts: %d events added, %d already known, %d to review"):format(#files, added, known, #left))
for _, l in ipairs(left) do print("  " .. l) end
