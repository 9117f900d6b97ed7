-- attache.extract: the events a press release reports, proposed for an
-- analyst to review (issue 18; docs/extract.md).  at.extract(text, opts)
-- is this module's function.  The text is cut into sentences; in each,
-- the words of scripts/extract/rules.lua name the kinds of event, the
-- date expressions are read by at.date against the publication date,
-- countries by at.actor (ISO 3166 from iso-codes, and the store's
-- registry) and the rules' tables; each proposal carries the sentence and
-- the spans (in characters from the start of the text, from 0) of the
-- words it rests on.
local at = require "attache"
local default_rules = require "attache.extract.rules"

local M = {}

-- at.actor and at.date, remembered: the same names and date words come
-- back in text after text, and a name that is no country costs at.actor
-- a search for the nearest ones.  (Emptied when large.)
local memo, nmemo = {}, 0
local NONE = {}
local function remember(key, fn, ...)
  local v = memo[key]
  if v == nil then
    v = fn(...) or NONE
    if nmemo >= 20000 then memo, nmemo = {}, 0 end
    memo[key] = v
    nmemo = nmemo + 1
  end
  if v == NONE then return nil end
  return v
end
-- A sentence that mentions an event proposed already: in its evidence.
local function also(ev, sentence)
  ev.evidence.also = ev.evidence.also or {}
  table.insert(ev.evidence.also, sentence)
end

local NEAR = {near = false} -- no did-you-mean search on a miss
local function actor(name) return remember("a" .. name, at.actor, name, NEAR) end
local function date_of(span, ref, refkey) return remember("d" .. refkey .. "|" .. span, at.date, span, ref) end

local ulen = utf8.len
-- The character offset (from 0) of byte position p of text.
local function char_at(text, p) return (ulen(text, 1, p - 1, true) or (p - 1)) end

-- "URL: ..." and "Published: ..." lines at the head of a text; the byte
-- where the body starts.
local function header(text)
  local meta, pos = {}, 1
  while pos <= #text do
    local line, nxt = text:match("^([^\n]*)\n?()", pos)
    local k, v = line:match("^(%a+):%s*(.-)%s*$")
    if k == "URL" then meta.url = v
    elseif k == "Published" then meta.published = v
    else break end
    pos = nxt
  end
  return meta, pos
end

-- The sentences of text from byte `from`: {s = first byte, e = last byte}.
-- A line break ends one; so does . ! or ? before a space and a capital,
-- a digit or a quote, outside parentheses, unless the word before is an
-- abbreviation (Mr., H.E., No.) or an initial (Antony J. Blinken).
local SPACES, SPACE_AT, SPACE_END = {"%s", "\194\160", "\226\128[\128-\138\175]", "\227\128\128"}, {}, {}
for i, p in ipairs(SPACES) do SPACE_AT[i], SPACE_END[i] = "^" .. p .. "()", p .. "$" end
local function sentences(text, from, abbrev)
  local out = {}
  -- (spaces at either end, also Unicode's: no-break U+00A0, U+2000 to
  -- U+200A, U+202F, ideographic U+3000)
  local function push(s, e)
    local a = s
    while a <= e do
      local sp
      for _, p in ipairs(SPACE_AT) do sp = sp or text:match(p, a) end
      if not sp then break end
      a = sp
    end
    if a > e then return end
    while e > a do
      local tail = text:sub(math.max(a, e - 2), e)
      local sp
      for _, p in ipairs(SPACE_END) do sp = sp or tail:find(p) end
      if not sp then break end
      e = e - (#tail - sp + 1)
    end
    out[#out + 1] = {s = a, e = e}
  end
  local start, i, n, depth = from, from, #text, 0
  while i <= n do
    local c = text:sub(i, i)
    if c == "\n" then
      push(start, i - 1)
      start = i + 1
      depth = 0
    elseif c == "(" then
      depth = depth + 1
    elseif c == ")" then
      depth = math.max(0, depth - 1)
    elseif depth == 0 and (c == "." or c == "!" or c == "?") then
      local nxt = text:match("^[\"')\226\128\157\153]*%s+()", i + 1)
      if nxt and text:sub(nxt, nxt + 2):match("^[%u%d\"'(\226]") then
        local w = text:sub(start, i - 1):match("([%a%.]+)$") or ""
        if c ~= "." or not (abbrev[w] or w:match("^%u$")) then
          push(start, i)
          start = nxt
          i = nxt - 1
        end
      end
    end
    i = i + 1
  end
  push(start, n)
  return out
end

local months = {}
for _, m in ipairs{"January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"} do months[m] = true end
local cues = {
  Monday = true, Tuesday = true, Wednesday = true, Thursday = true, Friday = true, Saturday = true,
  Sunday = true, today = true, yesterday = true, tomorrow = true, this = true, next = true, last = true,
  coming = true, early = true, mid = true, late = true, later = true, Today = true, This = true,
  Next = true, Last = true, Early = true, Late = true, Later = true,
}
for m in pairs(months) do cues[m] = true end

-- The words of a sentence: {w, s, e} (bytes of the text).
local function words(text, s, e)
  local out = {}
  local p = s
  while true do
    local a, w, b = text:match("()([%w][%w%-']*)()", p)
    if not a or a > e then break end
    if b - 1 > e then w, b = text:sub(a, e), e + 1 end
    out[#out + 1] = {w = w, s = a, e = b - 1}
    p = b
  end
  return out
end

local tail_words = {the = true, a = true, an = true, of = true, ["and"] = true, ["or"] = true, ["in"] = true,
                    on = true, at = true, to = true, ["for"] = true, with = true, by = true, from = true}

local function is_year(w)
  return w:match("^1[89]%d%d$") or w:match("^20%d%d$") or w:match("^[12]%d%d%d%-%d%d$") -- 2024-28
end

-- "last April": the latest April before the reference month.
local function last_month(name, ref)
  local y, m = ref:edtf():match("^(%d%d%d%d)%-?(%d*)")
  y, m = tonumber(y), tonumber(m) or 1
  local want
  for i, mn in ipairs{"January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"} do
    if mn == name then want = i end
  end
  if not want then return nil end
  if want >= m then y = y - 1 end
  return at.edtf(("%04d-%02d"):format(y, want))
end

-- The date expressions of a sentence: {date, s, e}, longest first from
-- each cue word, read by at.date against ref.
local function dates(text, ws, ref, refkey)
  local out, i = {}, 1
  while i <= #ws do
    local w = ws[i].w
    local found
    if cues[w] or is_year(w) or (w:match("^%d%d?$") and ws[i + 1] and months[ws[i + 1].w]) then
      for j = math.min(#ws, i + 5), i, -1 do
        local span = text:sub(ws[i].s, ws[j].e)
        -- no clause break inside ("July, the ...": a comma is only
        -- "September 12, 2018"'s), no little word at the end
        if not span:find("[;:]") and not span:find(",%s*%D") and not tail_words[ws[j].w] then
          local d = date_of(span, ref, refkey)
          if not d and j == i + 1 and (w == "last" or w == "Last") then d = last_month(ws[j].w, ref) end
          if d and not (j == i and (w == "this" or w == "next" or w == "last" or w == "coming" or w == "later"
                                   or w == "This" or w == "Next" or w == "Last" or w == "early"
                                   or w == "late" or w == "mid")) then
            found = {date = d, s = ws[i].s, e = ws[j].e, j = j}
            break
          end
        end
      end
    end
    if found then
      out[#out + 1] = found
      i = found.j + 1
    else
      i = i + 1
    end
  end
  return out
end

local connector = {of = true, the = true, ["and"] = true, ["for"] = true}

-- The actors named in a sentence: {code, s, e}; and the places.
local function actors(text, ws, rules)
  local out, places, seen = {}, {}, {}
  -- "the Japan-Cambodia Joint Committee", "ASEAN-Japan": each part of a
  -- hyphenated capitalised word is a name of its own; "Japan's", "the
  -- Philippines'": the name without its possessive
  local split
  for k, x in ipairs(ws) do
    local bare = x.w:match("^(%u.-)'s$") or x.w:match("^(%u.-)'$")
    if bare then
      split = split or table.move(ws, 1, k - 1, 1, {})
      x = {w = bare, s = x.s, e = x.s + #bare - 1}
    end
    if x.w:find("-", 2, true) and x.w:match("^%u") then
      split = split or table.move(ws, 1, k - 1, 1, {})
      local p = x.s
      for part in x.w:gmatch("[^-]+") do
        split[#split + 1] = {w = part, s = p, e = p + #part - 1}
        p = p + #part + 1
      end
    elseif split then
      split[#split + 1] = x
    end
  end
  ws = split or ws
  local function add(code, s, e)
    if code and not seen[code] then
      seen[code] = true
      out[#out + 1] = {code = code, s = s, e = e}
    end
  end
  local i = 1
  while i <= #ws do
    local w, used = ws[i].w, 0
    if w:match("^%u") then
      -- the longest run of words from here that names something: over
      -- capitalised words and of, the, and ("Kingdom of Cambodia")
      local last = i
      while last < #ws and last < i + 6 and (ws[last + 1].w:match("^%u") or connector[ws[last + 1].w]) and
            ws[last + 1].s == ws[last].e + 2 do
        last = last + 1
      end
      for j = last, i, -1 do
        local span = text:sub(ws[i].s, ws[j].e)
        if rules.places[span] then
          places[#places + 1] = {name = span, code = rules.places[span], s = ws[i].s, e = ws[j].e}
          used = j - i + 1
          break
        end
        if rules.organisations[span] then
          add(rules.organisations[span], ws[i].s, ws[j].e)
          used = j - i + 1
          break
        end
        if rules.adjectives[span] then
          add(actor(rules.adjectives[span]), ws[i].s, ws[j].e)
          used = j - i + 1
          break
        end
        if j == i and #span <= 3 then
          local dotted = text:sub(ws[i].s, ws[i].e + 1)
          local code = rules.short[span] or rules.short[dotted]
          if code then
            add(code, ws[i].s, ws[i].e)
            used = 1
          end
        end
        if j == i and span:match("^%u[%u%d]+$") then
          -- an acronym is an actor when it names itself: an organisation
          -- of the store's registry or one its events hold (CDC, JICA),
          -- not a country's two-letter code ("PM" is no Saint Pierre)
          if used == 0 and actor(span) == span then
            add(span, ws[i].s, ws[i].e)
            used = 1
          end
          break
        end
        if j == i and #span <= 3 then break end
        -- ("The PM" is not "PM", which at.actor would read as a code)
        local code = not connector[ws[j].w] and not span:match("^[Tt]he %u%u?%u?$") and actor(span)
        if code and #code == 3 then
          add(code, ws[i].s, ws[j].e)
          used = j - i + 1
          break
        end
      end
    end
    i = i + math.max(used, 1)
  end
  return out, places
end

-- The longest run of plain characters every match of a Lua pattern
-- holds ("telephone talk" of "%f[%a]telephone talks?%f[%A]"), "" when
-- there is none: a sentence without it is not searched with the pattern
-- (a plain find is several times faster).  Cached per pattern.
local literals = {}
function M.literal(pat)
  local lit = literals[pat]
  if lit then return lit end
  local best, cur, i = "", "", 1
  local function cut()
    if #cur > #best then best = cur end
    cur = ""
  end
  while i <= #pat do
    local c = pat:sub(i, i)
    if c == "%" then
      local d = pat:sub(i + 1, i + 1)
      if d == "f" or d == "b" then -- %f[set], %bxy
        cut()
        i = d == "b" and i + 4 or (pat:find("]", i + 4, true) or #pat) + 1
      elseif d:match("%p") then -- an escaped character stands for itself
        cur = cur .. d
        i = i + 2
      else -- a class: %a, %s ...
        cut()
        i = i + 2
      end
    elseif c == "[" then -- a set, up to its closing bracket
      cut()
      local j = i + 1
      if pat:sub(j, j) == "^" then j = j + 1 end
      if pat:sub(j, j) == "]" then j = j + 1 end
      while j <= #pat and pat:sub(j, j) ~= "]" do j = j + (pat:sub(j, j) == "%" and 2 or 1) end
      i = j + 1
    elseif c == "*" or c == "+" or c == "-" or c == "?" then -- the last character may be absent
      cur = cur:sub(1, -2)
      cut()
      i = i + 1
    elseif c == "^" or c == "$" or c == "(" or c == ")" or c == "." then
      cut()
      i = i + 1
    else
      cur = cur .. c
      i = i + 1
    end
  end
  cut()
  literals[pat] = best
  return best
end

-- The shape of each table of the rules (docs/extract.md, "The rules"):
-- lists of patterns, maps of names to names, the triggers.  A script's
-- or a desk's rules are checked once (per table given) before use, so
-- that a mistake is named ("rules.triggers[3].pat: malformed pattern
-- (missing ']')") instead of failing deep in the matching.
local PATTERNS, NAMES = "patterns", "names"
local shapes = {
  triggers = "triggers", parting = PATTERNS, planned = PATTERNS, in_force = PATTERNS, mention = PATTERNS,
  draft = PATTERNS, endorsed = PATTERNS, after = PATTERNS, before = PATTERNS, both = PATTERNS,
  abbreviations = "words", adjectives = NAMES, short = NAMES, organisations = NAMES, places = NAMES,
  hosts = NAMES, publishers = NAMES, short_kinds = "kinds", long_days = "number",
}
local trigger_fields = {
  kind = "string", pat = "string", status = "string", date = "string", default = "string", reach = "number",
  unless = "string", unless_before = "table", case = "boolean", title = "string",
}
local function check_pattern(where, p)
  if type(p) ~= "string" then error(("%s: a pattern (string) expected, got %s"):format(where, type(p)), 0) end
  local ok, why = pcall(string.find, "", p)
  if not ok then error(("%s: %s"):format(where, tostring(why):gsub("^.-:%d+: ", "")), 0) end
end
local function check_list(where, t, each)
  if type(t) ~= "table" then error(("%s: a list expected, got %s"):format(where, type(t)), 0) end
  for i, v in ipairs(t) do each(("%s[%d]"):format(where, i), v) end
end
local checked = setmetatable({}, {__mode = "k"})
local function check_rules(r)
  if checked[r] then return end
  for k, v in pairs(r) do
    local where, shape = "rules." .. tostring(k), shapes[k]
    if not shape then
      local names = {}
      for name in pairs(shapes) do names[#names + 1] = name end
      table.sort(names)
      error(("rules: unknown table %s (the tables are %s)"):format(tostring(k), table.concat(names, ", ")), 0)
    elseif shape == "triggers" then
      check_list(where, v, function(w, t)
        if type(t) ~= "table" then error(("%s: a table {kind =, pat =, ...} expected, got %s"):format(w, type(t)), 0) end
        for f, x in pairs(t) do
          local want = trigger_fields[f]
          if not want then
            error(("%s: unknown field %s (a trigger has kind, pat, status, date, default, reach, unless, " ..
                   "unless_before, case, title)"):format(w, tostring(f)), 0)
          elseif type(x) ~= want then
            error(("%s.%s: a %s expected, got %s"):format(w, f, want, type(x)), 0)
          end
        end
        if type(t.kind) ~= "string" or not t.kind:match("^[a-z][a-z0-9%-]*$") then
          error(("%s.kind: a kind (a lower-case word: meeting, visit, ...) expected, got %s"):format(
            w, t.kind == nil and "none" or ("'" .. tostring(t.kind) .. "'")), 0)
        end
        check_pattern(w .. ".pat", t.pat)
        if t.unless then check_pattern(w .. ".unless", t.unless) end
        if t.unless_before then check_list(w .. ".unless_before", t.unless_before, check_pattern) end
        if t.date ~= nil and t.date ~= "after" then error(w .. ".date: only \"after\" is known", 0) end
        if t.default ~= nil and t.default ~= "year" then error(w .. ".default: only \"year\" is known", 0) end
      end)
    elseif shape == PATTERNS then
      check_list(where, v, check_pattern)
    elseif shape == "words" then
      check_list(where, v, function(w, x)
        if type(x) ~= "string" then error(("%s: a word expected, got %s"):format(w, type(x)), 0) end
      end)
    elseif shape == NAMES or shape == "kinds" then
      if type(v) ~= "table" then error(("%s: a table of names expected, got %s"):format(where, type(v)), 0) end
      for name, x in pairs(v) do
        if type(name) ~= "string" or (shape == NAMES and type(x) ~= "string") then
          error(("%s: %s = %s: %s expected"):format(where, tostring(name), tostring(x),
                                                    shape == NAMES and "a name = a name" or "a kind = true"), 0)
        end
      end
    elseif type(v) ~= "number" then
      error(("%s: a number expected, got %s"):format(where, type(v)), 0)
    end
  end
  checked[r] = true
end

-- Is date d wider than days (an open end is)?
local function wider(d, days)
  local e0, l0 = d:seconds()
  if e0 == math.mininteger or l0 == math.maxinteger then return true end
  return l0 - e0 > days * 86400
end

local function any(str, pats)
  for _, p in ipairs(pats) do
    if str:find(p) then return true end
  end
  return false
end

-- Duplicates: a proposal that matches an event the store holds (the
-- same kind, overlapping dates, an actor in common) gets `known` (its
-- id, title and date); when the text is more precise (its date lies
-- within the stored one's and is narrower: a day where the store has
-- "early 2024"), `update` too, the change to offer.  No store: none.
local function known(list)
  for _, p in ipairs(list) do
    local d = p.when and at.edtf(p.when)
    if d then
      -- the best of the matches: the same date, else one whose date
      -- holds the proposal's, else the first
      local hit, rank = nil, 0
      for _, a in ipairs(p.actors) do
        local ok, evs = pcall(at.query, {kind = p.kind, actor = a, from = d:earliest(), to = d:latest(),
                                         expand = false, limit = 20})
        if not ok then
          if tostring(evs):find("^no store") then return end
          error(evs, 0)
        end
        for _, ev in ipairs(evs) do
          local w = ev.when
          local r = (w and w == d) and 3 or (w and w:contains(d)) and 2 or 1
          if r > rank then hit, rank = ev, r end
        end
      end
      if hit then
        local w = hit.when
        p.known = {id = hit.id, title = hit.title, when = w and w:edtf() or nil}
        if w and w:contains(d) and not (w == d) then p.update = {id = hit.id, when = p.when} end
      end
    end
  end
end

-- The proposals for a text: a list of tables with the fields of an event
-- (title, kind, status, when, actors, where, source) plus evidence and
-- confidence.  opts: published (a date, or text at.date reads; default
-- the text's "Published:" line, else at.now()), rules (tables replacing
-- those of scripts/extract/rules.lua), home (the publisher's actor),
-- known (false: do not look for the proposals among the store's events).
function M.extract(text, opts)
  opts = opts or {}
  if type(text) ~= "string" then error("bad argument #1 to 'extract' (string expected, got " .. type(text) .. ")", 2) end
  local rules = setmetatable({}, {__index = default_rules})
  if opts.rules ~= nil and type(opts.rules) ~= "table" then
    error("bad argument #2 to 'extract' (rules: table expected, got " .. type(opts.rules) .. ")", 2)
  end
  if opts.rules then
    local ok, why = pcall(check_rules, opts.rules)
    if not ok then error("bad argument #2 to 'extract' (" .. tostring(why) .. ")", 2) end
  end
  for k, v in pairs(opts.rules or {}) do rules[k] = v end
  local meta, body = header(text)
  -- bytes s..e of the text, and their span in characters
  local function words_at(s, e) return {text = text:sub(s, e), span = {char_at(text, s), char_at(text, e + 1)}} end
  local ref = opts.published or meta.published
  if ref == nil then ref = at.now() end
  if type(ref) == "string" then
    local d, why = at.date(ref)
    if not d and opts.published then error("bad argument #2 to 'extract' (published: " .. why .. ")", 2) end
    if not d then error("the text's Published: line: " .. why, 2) end
    ref = d
  end
  local refkey = tostring(ref:edtf() or ref:seconds())
  local abbrev = {}
  for _, a in ipairs(rules.abbreviations) do abbrev[a] = true end
  local sents = sentences(text, body, abbrev)
  -- The headline (and a dateline before it): lines without a full stop
  -- at the head of the body.  It names the text, and restates what the
  -- body reports: it proposes nothing itself.
  local title
  -- (a full stop followed by control characters or spaces still ends a
  -- sentence: "met in Tokyo.\1" is no headline)
  while sents[1] and not text:sub(sents[1].s, sents[1].e):match("[%.!?\"'][%c%s]*$") do
    local line = text:sub(sents[1].s, sents[1].e)
    if not at.date(line) then title = title or line end
    table.remove(sents, 1)
  end
  -- the text's main actors: the publisher's (from the URL's host), then
  -- the most named
  local counts, per = {}, {}
  for k, st in ipairs(sents) do
    local ws = words(text, st.s, st.e)
    local acts, places = actors(text, ws, rules)
    per[k] = {ws = ws, acts = acts, places = places}
    for _, a in ipairs(acts) do counts[a.code] = (counts[a.code] or 0) + 1 end
  end
  local home, publisher = opts.home, nil
  if meta.url then
    local host = meta.url:match("^%a+://([^/]+)") or ""
    local function ours(h) return host == h or host:sub(-#h - 1) == "." .. h end
    for h, code in pairs(rules.hosts) do
      if not home and ours(h) then home = code end
    end
    for h, name in pairs(rules.publishers) do
      if ours(h) then publisher = name end
    end
  end
  local ranked = {}
  for code, n in pairs(counts) do ranked[#ranked + 1] = {code = code, n = n} end
  table.sort(ranked, function(a, b) if a.n ~= b.n then return a.n > b.n end return a.code < b.code end)
  home = home or (ranked[1] and ranked[1].code)
  local main = {home}
  for _, r in ipairs(ranked) do
    if #main >= 2 then break end
    if r.code ~= home then main[#main + 1] = r.code end
  end

  -- Events of kind "other" are alike only when the same words gave them
  -- (a government formed and training offered are two events): their
  -- sort is the kind and the trigger.
  local proposals, by_kind, sort_of, titled = {}, {}, {}, {}
  for k, st in ipairs(sents) do
    -- a sentence in parentheses is a note ("(The above date denotes the
    -- date of the original press release.)"): no events
    local orig = text:sub(st.s, st.e)
    if orig:match("^[^%w(]*%(") and orig:sub(-1) == ")" then goto next_sentence end
    local low = orig:lower()
    local p = per[k]
    -- every place a trigger matches; a kind's first, and its later ones
    -- when they turn out to have another date ("the June 2022 commune
    -- elections and 2023 national elections")
    local found, taken = {}, {}
    for _, t in ipairs(rules.triggers) do
      local from = 1
      local hay = t.case and orig or low
      local lit = M.literal(t.pat)
      if lit ~= "" and not hay:find(lit, 1, true) then goto next_trigger end
      while true do
        local a, b = hay:find(t.pat, from)
        if not a then break end
        local overlaps = false
        for _, x in ipairs(taken) do
          if a <= x[2] and b >= x[1] then overlaps = true end
        end
        if not overlaps and not (t.unless and hay:sub(b + 1, b + 24):find(t.unless)) and
           not (t.unless_before and any(hay:sub(math.max(1, a - 24), a - 1), t.unless_before)) then
          taken[#taken + 1] = {a, b}
          found[#found + 1] = {t = t, s = st.s + a - 1, e = st.s + b - 1}
        end
        from = b + 1
      end
      ::next_trigger::
    end
    table.sort(found, function(x, y) return x.s < y.s end)
    if #found > 0 then
      local ds = dates(text, p.ws, ref, refkey)
      local seen_kind, made = {}, {}
      for _, f in ipairs(found) do
        -- the lower-cased sentence from `back` bytes before the trigger to
        -- `fwd` after it
        local function around(back, fwd) return low:sub(math.max(1, f.s - st.s - back), f.e - st.s + fwd) end
        -- the nearest date, those parted from the trigger by "and", a
        -- comma... counting as far away
        local best, dist
        for _, d in ipairs(ds) do
          local x = d.e < f.s and f.s - d.e or d.s > f.e and d.s - f.e or 0
          local between = d.e < f.s and low:sub(d.e - st.s + 2, f.s - st.s) or low:sub(f.e - st.s + 2, d.s - st.s)
          if x > 0 and any(between, rules.parting) then x = x + 1000 end
          if (not dist or x < dist) and x <= (f.t.reach or math.huge) then best, dist = d, x end
        end
        if f.t.date == "after" then
          for _, d in ipairs(ds) do
            if d.s > f.e then
              best = d
              break
            end
          end
        end
        -- a meeting does not last years: such a date is another's
        if best and rules.short_kinds[f.t.kind] and wider(best.date, rules.long_days) then best = nil end
        local codes, seen = {}, {}
        local function add(c)
          if c and not seen[c] then
            seen[c] = true
            codes[#codes + 1] = c
          end
        end
        add(home)
        for _, a in ipairs(p.acts) do add(a.code) end
        -- "the two countries", or no one named ("They will hold talks"):
        -- the text's main actors
        if #codes <= (home and 1 or 0) or any(low, rules.both) then
          for _, c in ipairs(main) do add(c) end
        end
        do -- proposed even with no actor: the analyst adds them
          local kind, status = f.t.kind, f.t.status
          local near = around(60, 25)
          if not status then
            -- the date decides when it lies wholly before or after the
            -- publication; else the words around the trigger
            local just_before = low:sub(math.max(1, f.s - st.s - 12), f.s - st.s)
            local ongoing = best and best.date:earliest() <= ref:latest() and best.date:latest() >= ref:earliest()
            if (kind == "policy" or kind == "agreement") and any(just_before, rules.draft) then status = "draft"
            elseif kind == "policy" and ongoing and wider(best.date, 366) then
              status = "in-force" -- a policy for years that include the publication
            elseif (kind == "agreement" or kind == "policy") and any(near, rules.in_force) then status = "in-force"
            elseif kind == "agreement" and any(near, rules.endorsed) then status = "endorsed"
            elseif best and best.date:latest() < ref:earliest() then status = "held"
            elseif best and best.date:earliest() > ref:latest() then status = "planned"
            elseif best and best.date:earliest() >= ref:earliest() and best.date:latest() > ref:latest() then
              status = "planned" -- from the publication on: "later this year"
            elseif any(near, rules.planned) then status = "planned"
            else status = "held" end
          end
          -- a date parted from a trigger that the words place ahead
          -- ("..., he will have a thorough discussion") is not its own when
          -- it lies before the publication
          if best and dist and dist >= 1000 and status == "held" and best.date:latest() < ref:earliest() and
             any(near, rules.planned) then
            best, status = nil, "planned"
          end
          local when = best and best.date:edtf() or nil
          if f.t.default == "year" then -- a role held for a year: that year
            when = ((best and best.date or ref):edtf() or ""):match("^%d%d%d%d") or when
          end
          if not when then
            local close = around(40, 1)
            if any(close, rules.after) then when = ref:edtf() .. "/.."
            elseif any(close, rules.before) then when = "../" .. ref:edtf() end
          end
          local sort = kind == "other" and ("other " .. f.t.pat) or kind
          local prev = by_kind[sort]
          local key = sort .. " " .. tostring(when)
          local before = low:sub(math.max(1, f.s - st.s - 6), f.s - st.s)
          local same -- an event of this kind and date proposed already
          for _, q in ipairs(proposals) do
            if sort_of[q] == sort and q.when == when and when ~= nil then same = q end
          end
          -- "the meeting", "this visit": the latest event of the kind
          -- proposed before (of a meeting-like kind, for a meeting-like
          -- word), which the mention's date makes precise when it had
          -- none or an open one ("an upcoming meeting ... This meeting,
          -- in early 2024")
          local mentioned = any(before, rules.mention)
          local antecedent
          if mentioned then
            for i = #proposals, 1, -1 do
              local q = proposals[i]
              if sort_of[q] == sort or (rules.short_kinds[kind] and rules.short_kinds[q.kind]) then
                if sort_of[q] == sort or not antecedent then antecedent = q end
                if sort_of[q] == sort then break end
              end
            end
          end
          if seen_kind[key] or (seen_kind[sort] and when == nil) then
            -- the same kind and date twice in a sentence: one event, named
            -- by the trigger that has a title ("co-chaired the Joint
            -- Committee")
            local ev = made[key] or made[sort]
            if f.t.title and ev and not titled[ev] then ev.title, titled[ev] = f.t.title, true end
          elseif same or antecedent then
            -- proposed already: "the agreement", or the same date again
            prev = same or antecedent
            also(prev, orig)
            if when and not same and (prev.when == nil or prev.when:find("..", 1, true)) and prev.kind == kind then
              prev.when, prev.status = when, status
              prev.evidence.date = words_at(best.s, best.e)
            end
          elseif when == nil and prev then
            -- an undated mention of a kind already proposed: the same event
            also(prev, orig)
          else
            local ev = {
              -- (the kind alone when no actor was found: "Meeting: " was stored)
              title = f.t.title or (#codes > 0 and ("%s%s: %s"):format(kind:sub(1, 1):upper(), kind:sub(2),
                                                                       table.concat(codes, ", "))
                                                  or (kind:sub(1, 1):upper() .. kind:sub(2))),
              kind = kind,
              status = status,
              when = when,
              actors = codes,
              where = p.places[1] and p.places[1].name or nil,
              confidence = (4 + (best and 3 or 0) + (#codes >= 2 and 2 or 0)) / 10,
              evidence = {
                sentence = orig,
                span = words_at(st.s, st.e).span,
                verb = words_at(f.s, f.e),
                date = best and words_at(best.s, best.e) or nil,
                actors = {},
              },
              source = {url = meta.url, published = ref:edtf(), title = title, publisher = publisher},
            }
            for _, a in ipairs(p.acts) do
              local w = words_at(a.s, a.e)
              w.code = a.code
              table.insert(ev.evidence.actors, w)
            end
            proposals[#proposals + 1] = ev
            by_kind[sort] = by_kind[sort] or ev
            sort_of[ev] = sort
            made[key], made[sort] = ev, made[sort] or ev
            titled[ev] = f.t.title ~= nil
          end
          seen_kind[key] = true
          seen_kind[sort] = true
        end
      end
    end
    ::next_sentence::
  end
  -- An undated proposal of a kind that the text dates elsewhere, with an
  -- actor in common, is a mention of that one ("During the ministerial
  -- meeting ..." before "co-chaired the conference today").
  local kept = {}
  for _, q in ipairs(proposals) do
    local into
    if q.when == nil then
      for _, r in ipairs(proposals) do
        if r ~= q and sort_of[r] == sort_of[q] and r.when ~= nil then
          for _, a in ipairs(q.actors) do
            for _, b in ipairs(r.actors) do
              if a == b then into = into or r end
            end
          end
        end
      end
    end
    if into then
      also(into, q.evidence.sentence)
    else
      kept[#kept + 1] = q
    end
  end
  if opts.known ~= false then known(kept) end
  return kept
end

return M
