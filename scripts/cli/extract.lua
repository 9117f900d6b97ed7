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

local file, published, json, review, rules_file, user_rules
local args = {...}
local i = 1
-- The value of option --NAME at args[i] (--NAME VALUE or --NAME=VALUE);
-- `need` says what it takes when it is missing.
local given = {}
local function value(name, need)
  -- one value each: the last one taken without a word would be a surprise
  if given[name] then fail(2, "--" .. name .. " given twice (it takes one value)") end
  given[name] = true
  local v = args[i]:match("^%-%-" .. name .. "=(.*)$")
  if v then return v end
  i = i + 1
  if args[i] == nil then fail(2, "--" .. name .. " needs " .. need) end
  return args[i]
end
while i <= #args do
  local a = args[i]
  if a == "--json" then
    json = true
  elseif a == "--review" then
    review = true
  elseif a == "--rules" or a:match("^%-%-rules=") then
    rules_file = value("rules", "a Lua file that returns a table of rules")
  elseif a == "--user-rules" then
    -- (given by the command: the user's rules.lua, used when --rules is not)
    user_rules = value("user-rules", "a Lua file that returns a table of rules")
  elseif a == "--published" or a:match("^%-%-published=") then
    published = value("published", "a date (2023-12-18, 18 December 2023, yesterday)")
  elseif a:match("^%-%-?.") and a ~= "-" then
    fail(2, a .. ": unknown option (extract takes FILE or -, --published DATE, --rules FILE, --json and --review)")
  elseif file then
    fail(2, a .. ": one text at a time (already given " .. file .. ")")
  else
    file = a
  end
  i = i + 1
end
if not file then fail(2, "which text? give a FILE, or - for standard input") end
if review and json then fail(2, "--review and --json: choose one (review prints for a person)") end
if review and file == "-" then
  fail(2, "--review reads its answers from standard input: give the text as a FILE")
end
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

-- A desk's rules: a Lua file returning a table of the tables it replaces
-- (docs/extract.md, "The rules"): --rules FILE, else the user's own
-- (~/.config/attache/extract/rules.lua).
local rules
local how = rules_file and "--rules" or "the user's rules"
rules_file = rules_file or user_rules
if rules_file then
  local f, why = io.open(rules_file)
  if not f then fail(1, how .. ": " .. why) end
  local src = f:read("a")
  f:close()
  local chunk, err = load(src, "@" .. rules_file, "t")
  if not chunk then fail(1, how .. ": " .. err) end
  local ok, r = pcall(chunk)
  if not ok then fail(1, how .. ": " .. tostring(r)) end
  if type(r) ~= "table" then
    fail(1, ("%s %s: returned a %s; a rules file returns a table (triggers, places, ...)"):format(how, rules_file, type(r)))
  end
  rules = r
end

local ok, list = pcall(at.extract, text, {published = published, rules = rules})
if not ok then
  -- a rules file of the wrong shape is named with what is wrong in it
  local why = tostring(list):match("^bad argument #2 to 'extract' %((.*)%)$")
  if why and rules_file then fail(1, ("%s %s: %s"):format(how, rules_file, why)) end
  -- the text's own faults (its Published: line): the message alone
  fail(1, (file == "-" and "the text" or file) .. ": " .. tostring(list):gsub("^[^\n]-:%d+: ", ""))
end
if json then
  for _, ev in ipairs(list) do print(at.json.encode(ev)) end
  return
end
-- From here on what is printed quotes the text: shown as a terminal can
-- trust it (an escape sequence in a sentence printed as \x1b...).
local say, safe = print, at.report.termsafe
local function print(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = safe(tostring((select(i, ...)))) end
  say(table.concat(parts, "\t"))
end
if #list == 0 then
  print("no events found in " .. (file == "-" and "the text" or file))
  return
end
local function show(n, ev)
  local e = ev.evidence
  print(("%d. %s, %s, %s, %s%s (confidence %.1f)"):format(n, ev.kind, ev.status, ev.when or "no date",
                                                          #ev.actors > 0 and table.concat(ev.actors, " ") or "no actors",
                                                          ev.where and (", in " .. ev.where) or "", ev.confidence))
  -- (the title when it is not the kind and the actors: a trigger's, or edited)
  local generic = ev.kind:sub(1, 1):upper() .. ev.kind:sub(2) .. ": "
  if ev.title:sub(1, #generic) ~= generic and ev.title ~= generic:sub(1, -3) then
    print(("   titled \"%s\""):format(ev.title))
  end
  print(("   because \"%s\"%s"):format(e.verb.text, e.date and (", dated by \"" .. e.date.text .. "\"") or ""))
  print("   " .. (#e.sentence > 200 and (e.sentence:sub(1, 197) .. "...") or e.sentence))
  if ev.known then
    print(("   already known: event %d, %s (%s)%s"):format(ev.known.id, ev.known.title or "",
                                                       ev.known.when or "no date",
                                                       ev.update and ("; the text is more precise: when " .. ev.update.when) or ""))
  end
end

if not review then
  for n, ev in ipairs(list) do show(n, ev) end
  return
end

-- --review: each proposal, then a question; the accepted ones are added
-- (and the offered updates made) in one durable batch at the end.
local HELP = "a accept, s skip, A accept this and the rest (not the known ones), u update the known event, " ..
             "e FIELD=VALUE edit (title, kind, status, when, actors, where), q stop, ? this help"
local function edit(ev, arg)
  local k, v = arg:match("^%s*(%a+)%s*=%s*(.-)%s*$")
  if not k then return nil, "give FIELD=VALUE (title, kind, status, when, actors, where)" end
  if k == "when" then
    local d, why = at.date(v, published or (ev.source.published and at.edtf(ev.source.published)))
    if not d then return nil, why end
    ev.when = d:edtf()
  elseif k == "actors" then
    local codes = {}
    for name in v:gmatch("[^,]+") do
      local code, why = at.actor(name:match("^%s*(.-)%s*$"))
      if not code then return nil, why end
      codes[#codes + 1] = code
    end
    ev.actors = codes
  elseif k == "title" or k == "kind" or k == "status" or k == "where" then
    if v == "" and k ~= "where" then return nil, k .. " cannot be empty" end
    if k == "kind" or k == "status" then
      -- A word the store does not know is most often a typo: refused
      -- with the nearest known ones, unless it ends with "!".
      local new = v:match("^(.-)%s*!$")
      if new then
        v = new
        if v == "" then return nil, k .. " cannot be empty" end
      else
        local known, why = at.known(k, v)
        if not known then return nil, why .. "; end it with ! to keep it as a new " .. k .. " (" .. k .. "=" .. v .. "!)" end
      end
    end
    ev[k] = v ~= "" and v or nil
  else
    return nil, k .. ": not a field to edit (title, kind, status, when, actors, where)"
  end
  return true
end

-- The event the store gets for a proposal.
local function event_of(ev)
  local src = {}
  for k, v in pairs(ev.source) do src[k] = v end
  return {title = ev.title, kind = ev.kind, status = ev.status, when = ev.when,
          actors = #ev.actors > 0 and ev.actors or nil, where = ev.where,
          source = next(src) and src or nil,
          -- (control characters, which no stored text may hold but tab
          -- and line breaks, shown as U+FFFD)
          notes = "From the text: " .. ev.evidence.sentence:gsub("[%z\1-\8\11\12\14-\31\127]", "\u{FFFD}")}
end
-- Would the store take it?  Its own check (at.add's check: nothing is
-- written): an edit the store would refuse is refused when it is typed,
-- not after the last answer.
local function acceptable(ev)
  local t = event_of(ev)
  t.when = t.when or "2000" -- (a proposal without a date gets one, checked, before it is accepted)
  -- What the text gave that at.add refuses as misuse (a value it cannot
  -- hold) is a refusal to show, not the command's failure.
  local ok, res, why = pcall(at.add, t, {check = true})
  if not ok then return nil, (tostring(res):gsub("^bad argument #%d+ to '[%w_.]+' %((.*)%)$", "%1")) end
  return res, why
end

-- The store the answers go to must be there before any is asked.
do
  local ok, err = pcall(at.count, {})
  if not ok then fail(1, "--review adds the accepted events to a store: " .. tostring(err):gsub("^[^:]*:%d+: ", "")) end
end

local adds, updates, all, undated, dup = {}, {}, false, 0, 0
print(("%d proposal%s from %s; %s"):format(#list, #list == 1 and "" or "s", file, HELP))
for n, proposal in ipairs(list) do
  local ev = proposal
  show(n, ev)
  local done = all
  if all then -- A was answered
    if ev.known then
      dup = dup + 1 -- (the store has it: A takes a known one's default, skip)
    elseif not ev.when then
      undated = undated + 1
    else
      local ok, why = acceptable(ev)
      if ok then adds[#adds + 1] = ev else print("   not added: " .. why) end
    end
  end
  while not done do
    io.write(ev.known and "   known: [s]kip (default), [u]pdate, [a]dd anyway, ... ? " or "   [a]ccept, [s]kip, [e]dit, [A]ll, [q]uit ? ")
    io.stdout:flush()
    local line = io.read("l")
    if line == nil then line = "q" end
    local c, rest = line:match("^%s*(%S?)%s*(.-)%s*$")
    if c == "" then c = ev.known and "s" or "a" end
    if (c == "a" or c == "A") and not ev.when then
      -- an event has a date: the text gave none
      print("   the text gives it no date: e when=... first (an event needs one)")
    elseif c == "a" or c == "A" then
      local ok, why = acceptable(ev)
      if ok then
        adds[#adds + 1] = ev
        all, done = c == "A", true
      else
        print("   the store would refuse it: " .. why .. "; e FIELD=VALUE to change it")
      end
    elseif c == "s" then
      done = true
    elseif c == "u" and ev.update then
      updates[#updates + 1] = ev.update
      done = true
    elseif c == "u" then
      print("   nothing to update: " .. (ev.known and "the store's date is as precise" or "not a known event"))
    elseif c == "e" then
      -- on a copy: a field the store would refuse leaves the proposal as it was
      local copy = {}
      for k, v in pairs(ev) do copy[k] = v end
      local ok, why = edit(copy, rest)
      if ok then ok, why = acceptable(copy) end
      if ok then
        ev = copy
        show(n, ev)
      else
        print("   " .. why)
      end
    elseif c == "q" then
      break
    else
      print("   " .. HELP)
    end
  end
  if not done then break end
end

if undated > 0 then print(("%d without a date not added (an event needs one)"):format(undated)) end
if dup > 0 then print(("%d already known not added"):format(dup)) end
if #adds == 0 and #updates == 0 then
  print("nothing added")
  return
end
local ids = {}
local committed, why = at.batch(function()
  for _, ev in ipairs(adds) do ids[#ids + 1] = assert(at.add(event_of(ev))).id end
  for _, u in ipairs(updates) do assert(at.update(u.id, {when = u.when})) end
end)
if not committed then fail(1, "nothing added: " .. tostring(why)) end
print(("added %d event%s%s%s"):format(#ids, #ids == 1 and "" or "s", #ids > 0 and (" (" .. table.concat(ids, ", ") .. ")") or "",
                                      #updates > 0 and (", updated " .. #updates) or ""))
