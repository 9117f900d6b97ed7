-- Score proposed events against hand-made gold ones (issue 18): run by
-- tests/extract/score.sh, which pairs the files of two folders by name:
--   attache run score.lua [--json] GOLD1.jsonl PROPOSED1.jsonl [GOLD2 PROPOSED2 ...]
-- Each file holds the events of one text, a JSON object a line (the
-- fields of ../shared/data/press-releases/README.md: kind, status, when
-- as EDTF or null, actors as ISO alpha-3 codes or organisation acronyms).
--
-- A proposed event matches a gold event of the same text when the kinds
-- are the same, the dates overlap (at.edtf bounds; two missing dates
-- agree, a missing date matches no date), and they share an actor.  Each
-- event matches at most one other: a maximum matching (augmenting paths,
-- candidates tried in order of preference: the same EDTF, then the same
-- status).  Precision, recall and F1 are over events; for the matched
-- pairs, the share with the same EDTF (two missing dates count as the
-- same) and the share with the same status.  Prints a table, or with
-- --json one object a text and one for all (`"text": "all"`); with
-- --details, first each text's misses: gold events not found (-gold),
-- proposals matching none (+prop), pairs that differ in date or status.
local at = require "attache"

local json_out = arg[1] == "--json"
local details = arg[1] == "--details"
local first = (json_out or details) and 2 or 1
if #arg < first + 1 or (#arg - first + 1) % 2 ~= 0 then
  error("usage: attache run score.lua [--json] GOLD.jsonl PROPOSED.jsonl [...] (pairs of files)", 0)
end

-- The events of a JSON Lines file, each with its date's bounds.
local function load(path)
  local list, n = {}, 0
  for line in io.lines(path) do
    n = n + 1
    if line:match("%S") then
      local ev, err = at.json.decode(line)
      if type(ev) ~= "table" then
        error(("%s:%d: not a JSON object (%s)"):format(path, n, err or type(ev)), 0)
      end
      if ev.when == at.null then ev.when = nil end
      if ev.when ~= nil then
        local d, why = at.edtf(ev.when)
        if not d then error(("%s:%d: \"when\": %s"):format(path, n, why), 0) end
        ev.date = d
      end
      if type(ev.actors) ~= "table" then ev.actors = {} end
      list[#list + 1] = ev
    end
  end
  return list
end

local function share_actor(a, b)
  local set = {}
  for _, x in ipairs(a.actors) do set[x] = true end
  for _, x in ipairs(b.actors) do
    if set[x] then return true end
  end
  return false
end

local function same_date(p, g)
  if p.date == nil or g.date == nil then return p.date == nil and g.date == nil end
  return p.date:edtf() == g.date:edtf()
end

local function matches(p, g)
  if p.kind ~= g.kind or not share_actor(p, g) then return false end
  if p.date == nil or g.date == nil then return p.date == nil and g.date == nil end
  return p.date:overlaps(g.date)
end

-- A maximum matching of proposed to gold events: the pairs, as
-- pairs[i] = j (proposed i with gold j).
local function match(prop, gold)
  local cand = {}
  for i, p in ipairs(prop) do
    local c = {}
    for j, g in ipairs(gold) do
      if matches(p, g) then
        c[#c + 1] = {j = j, pref = (same_date(p, g) and 2 or 0) + (p.status == g.status and 1 or 0)}
      end
    end
    table.sort(c, function(x, y)
      if x.pref ~= y.pref then return x.pref > y.pref end
      return x.j < y.j
    end)
    cand[i] = c
  end
  local owner = {} -- gold j -> proposed i
  local function augment(i, seen)
    for _, c in ipairs(cand[i]) do
      if not seen[c.j] then
        seen[c.j] = true
        if owner[c.j] == nil or augment(owner[c.j], seen) then
          owner[c.j] = i
          return true
        end
      end
    end
    return false
  end
  for i = 1, #prop do augment(i, {}) end
  local pairs_ = {}
  for j, i in pairs(owner) do pairs_[i] = j end
  return pairs_
end

local function ratio(a, b) return b > 0 and a / b or 0 end

local function show(tag, ev)
  print(("  %s %s %s %s [%s] %s"):format(tag, ev.kind, ev.status, ev.when or "-", table.concat(ev.actors, " "),
                                         (type(ev.evidence) == "table" and ev.evidence.sentence or ev.evidence or ""):sub(1, 90)))
end

local function score(name, gold, prop)
  local pairs_ = match(prop, gold)
  if details then
    local used = {}
    print(name)
    for i, j in pairs(pairs_) do
      used[j] = true
      if not same_date(prop[i], gold[j]) or prop[i].status ~= gold[j].status then
        show("~gold", gold[j])
        show("~prop", prop[i])
      end
    end
    for j, g in ipairs(gold) do if not used[j] then show("-gold", g) end end
    for i, p in ipairs(prop) do if not pairs_[i] then show("+prop", p) end end
  end
  local s = {text = name, gold = #gold, proposed = #prop, matched = 0, date_exact = 0, status_right = 0}
  for i, j in pairs(pairs_) do
    s.matched = s.matched + 1
    if same_date(prop[i], gold[j]) then s.date_exact = s.date_exact + 1 end
    if prop[i].status == gold[j].status then s.status_right = s.status_right + 1 end
  end
  return s
end

local function finish(s)
  s.precision = ratio(s.matched, s.proposed)
  s.recall = ratio(s.matched, s.gold)
  s.f1 = (s.precision + s.recall) > 0 and 2 * s.precision * s.recall / (s.precision + s.recall) or 0
  s.date_share = ratio(s.date_exact, s.matched)
  s.status_share = ratio(s.status_right, s.matched)
  return s
end

local rows = {}
local all = {text = "all", gold = 0, proposed = 0, matched = 0, date_exact = 0, status_right = 0}
for k = first, #arg, 2 do
  local name = arg[k]:match("([^/]+)%.jsonl$") or arg[k]
  local s = score(name, load(arg[k]), load(arg[k + 1]))
  for _, f in ipairs{"gold", "proposed", "matched", "date_exact", "status_right"} do all[f] = all[f] + s[f] end
  rows[#rows + 1] = finish(s)
end
rows[#rows + 1] = finish(all)

if json_out then
  for _, s in ipairs(rows) do print(at.json.encode(s)) end
else
  print(("%-8s %5s %5s %5s %6s %6s %6s %6s %6s"):format("text", "gold", "prop", "match", "P", "R", "F1",
                                                       "date", "status"))
  for _, s in ipairs(rows) do
    print(("%-8s %5d %5d %5d %6.3f %6.3f %6.3f %6.3f %6.3f"):format(s.text, s.gold, s.proposed, s.matched,
                                                                   s.precision, s.recall, s.f1,
                                                                   s.date_share, s.status_share))
  end
end
