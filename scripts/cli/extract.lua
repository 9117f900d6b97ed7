-- The events a press release reports, proposed for review (issue 18;
-- docs/extract.md): the script of `attache extract FILE|- [--published
-- DATE] [--json]` (bindings/cli/cli_extract.c).  The rules are
-- scripts/extract/rules.lua; at.extract does the work.  A readable list
-- by default: each proposal with the words it rests on; --json: one
-- proposal a line, with its evidence and character spans.
local at = require "attache"

-- A wrong command line exits 2, a text or date that cannot be read 1,
-- with the message alone (no traceback: this is a command).
local function fail(status, msg)
  io.stderr:write("attache: extract: ", msg, "\n")
  os.exit(status)
end

local file, published, json
local args = {...}
local i = 1
while i <= #args do
  local a = args[i]
  if a == "--json" then
    json = true
  elseif a == "--published" or a:match("^%-%-published=") then
    published = a:match("^%-%-published=(.*)$")
    if not published then
      i = i + 1
      published = args[i]
      if not published then fail(2, "--published needs a date (2023-12-18, 18 December 2023, yesterday)") end
    end
  elseif a:match("^%-%-?.") and a ~= "-" then
    fail(2, a .. ": unknown option (extract takes FILE or -, --published DATE and --json)")
  elseif file then
    fail(2, a .. ": one text at a time (already given " .. file .. ")")
  else
    file = a
  end
  i = i + 1
end
if not file then fail(2, "which text? give a FILE, or - for standard input") end
if published then
  local d, why = at.date(published)
  if not d then fail(1, "--published " .. published .. ": " .. why) end
  published = d
end

local text
if file == "-" then
  text = io.read("a")
else
  local f, why = io.open(file)
  if not f then fail(1, why) end
  text = f:read("a")
  f:close()
end
if not utf8.len(text) then fail(1, file .. ": not UTF-8 text (extract reads UTF-8)") end

local list = at.extract(text, {published = published})
if json then
  for _, ev in ipairs(list) do print(at.json.encode(ev)) end
  return
end
if #list == 0 then
  print("no events found in " .. (file == "-" and "the text" or file))
  return
end
for n, ev in ipairs(list) do
  local e = ev.evidence
  print(("%d. %s, %s, %s, %s%s (confidence %.1f)"):format(n, ev.kind, ev.status, ev.when or "no date",
                                                          #ev.actors > 0 and table.concat(ev.actors, " ") or "no actors",
                                                          ev.where and (", in " .. ev.where) or "", ev.confidence))
  print(("   because \"%s\"%s"):format(e.verb.text, e.date and (", dated by \"" .. e.date.text .. "\"") or ""))
  print("   " .. (#e.sentence > 200 and (e.sentence:sub(1, 197) .. "...") or e.sentence))
  if ev.known then
    print(("   already known: event %d, %s (%s)%s"):format(ev.known.id, ev.known.title or "",
                                                       ev.known.when or "no date",
                                                       ev.update and ("; the text is more precise: when " .. ev.update.when) or ""))
  end
end
